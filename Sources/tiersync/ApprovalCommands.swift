import ArgumentParser
import TierSyncCore
import TierSyncDomain

/// The record kinds an upper level approves, as command arguments.
struct ApprovableKind: ExpressibleByArgument {
    let kind: RecordKind

    init?(argument: String) {
        guard let kind = RecordKind.named(argument), kind.isApprovable else { return nil }
        self.kind = kind
    }

    static var allValueStrings: [String] { RecordKind.approvable.map(\.name) }
}

/// `tiersync approve KIND ID [--note TEXT]`: an upper level approves a unit's submission.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract:
            "Approve a submission of a unit below (plan, report, task close-out): it is locked against edits from below."
    )

    @OptionGroup var node: NodeOptions
    @Option(help: "A note kept with the approval.") var note: String?
    @Flag(help: "Print the record as JSON.") var json = false
    @Argument(help: "plan, report or task.") var kind: ApprovableKind
    @Argument(help: "The record's id.") var id: String

    func run() throws {
        let record =
            try node.openWorkspace().approve(kind.kind, id: id, note: note)
        if json { return Output.line(try RecordDocument(record).json()) }
        Output.line("approved \(record.id)")
    }
}

/// `tiersync unapprove KIND ID [--note TEXT]`: withdraws an approval.
struct UnapproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unapprove",
        abstract: "Withdraw an approval this unit made: the record opens for edits from below.")

    @OptionGroup var node: NodeOptions
    @Option(help: "Why.") var note: String?
    @Flag(help: "Print the record as JSON.") var json = false
    @Argument(help: "plan, report or task.") var kind: ApprovableKind
    @Argument(help: "The record's id.") var id: String

    func run() throws {
        let record =
            try node.openWorkspace().unapprove(kind.kind, id: id, note: note)
        if json { return Output.line(try RecordDocument(record).json()) }
        Output.line("unapproved \(record.id)")
    }
}

/// `tiersync approval-rule KIND children-first|any`: this level's approval order.
struct ApprovalRuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approval-rule",
        abstract:
            "Whether this node approves a kind only after every child unit's is approved (children-first) or not (any)."
    )

    enum Rule: String, ExpressibleByArgument, CaseIterable { case childrenFirst = "children-first", any }

    @OptionGroup var node: NodeOptions
    @Argument(help: "plan, report or task.") var kind: ApprovableKind
    @Argument(help: "children-first or any; omit to print the rule.") var rule: Rule?

    func run() throws {
        let opened = try node.openWorkspace()
        if let rule { try opened.setApprovalRule(kind.kind, childrenFirst: rule == .childrenFirst) }
        let childrenFirst = try opened.approvalRule(kind.kind)
        Output.line("\(kind.kind.name): " + (childrenFirst ? "children-first" : "any"))
    }
}

/// `tiersync amendments list|accept|reject`: edits made below before an approval reached them.
struct AmendmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amendments",
        abstract: "Pending amendments: edits made below an approved record before the approval reached them.",
        subcommands: [ListAmendments.self, AcceptAmendment.self, RejectAmendment.self])
}

struct ListAmendments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List pending amendments, then the decided ones with their outcome.")

    @OptionGroup var node: NodeOptions
    @Flag(help: "Only the pending ones.") var pending = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let opened = try node.openWorkspace()
        let amendments = try opened.amendments(includeDecided: !pending)
        if json { return try Output.json(["amendments": amendments]) }
        let orgs = try opened.orgNames()
        Output.table(
            ["id", "status", "kind", "record", "org", "field", "proposed", "approved", "made", "reason"],
            amendments.map {
                [
                    $0.id, $0.status.rawValue, $0.kind, $0.record, orgs[$0.recordOrg] ?? $0.recordOrg, $0.field,
                    $0.proposed.description, $0.approved.description, $0.madeAt, $0.reason ?? "",
                ]
            })
    }
}

struct AcceptAmendment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept", abstract: "Accept a pending amendment: its value becomes this level's edit.")

    @OptionGroup var node: NodeOptions
    @Option(help: "A note kept with the decision.") var reason: String?
    @Argument(help: "The amendment's id (amendments list).") var id: String

    func run() throws {
        let record =
            try node.openWorkspace().acceptAmendment(id, reason: reason)
        Output.line("accepted amendment \(id) of \(record.id)")
    }
}

struct RejectAmendment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a pending amendment with a reason: the approved value stays.")

    @OptionGroup var node: NodeOptions
    @Option(help: "Why (the unit below sees it).") var reason: String
    @Argument(help: "The amendment's id (amendments list).") var id: String

    func run() throws {
        let record =
            try node.openWorkspace().rejectAmendment(id, reason: reason)
        Output.line("rejected amendment \(id) of \(record.id)")
    }
}
