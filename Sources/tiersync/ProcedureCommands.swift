import ArgumentParser
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// `tiersync plan file ID --with ORG`: files a plan (备案) with the org that manages it.
struct FilePlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file", abstract: "File a plan (备案) with the org above that manages it; its verdict is pending.")

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("The org the plan is filed with.", valueName: "code")) var with: String
    @Flag(help: "Print the plan as JSON.") var json = false
    @Argument(help: "The plan's id.") var id: String

    func run() throws {
        let plan =
            try node.openWorkspace().file(plan: id, with: with)
        if json { return Output.line(try RecordDocument(plan).json()) }
        Output.line("filed \(plan.id) with \(with) on \(plan["filed_on"].description): pending")
    }
}

/// `tiersync plan verdict ID accepted|returned --note TEXT`, by the org the plan is filed with.
struct PlanVerdict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract:
            "Record the filing verdict on a plan filed with this node's unit: accepted (also approves it) or returned.")

    enum Verdict: String, ExpressibleByArgument, CaseIterable { case accepted, returned }

    @OptionGroup var node: NodeOptions
    @Option(help: "Why (required when returned).") var note: String?
    @Flag(help: "Print the plan as JSON.") var json = false
    @Argument(help: "The plan's id.") var id: String
    @Argument(help: "accepted or returned.") var verdict: Verdict

    func validate() throws {
        if verdict == .returned, (note ?? "").isEmpty {
            throw ValidationError("a returned plan needs --note saying what to revise")
        }
    }

    func run() throws {
        let accepted = verdict == .accepted
        let plan =
            try node.openWorkspace().recordVerdict(plan: id, accepted: accepted, note: note)
        if json { return Output.line(try RecordDocument(plan).json()) }
        Output.line("\(verdict.rawValue) \(plan.id)" + (Approval(plan).map { " (approved at \($0.at))" } ?? ""))
    }
}

/// `tiersync filings`: plans filed with this node's unit and their state.
struct FilingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filings", abstract: "List the plans filed (备案) with this node's unit, and each one's state.")

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let opened = try node.openWorkspace()
        let plans = try opened.filings()
        if json {
            return try Output.json([
                "filings": plans.map { FilingDocument(plan: $0) }
            ])
        }
        let names = try opened.orgNames()
        Output.table(
            ["id", "org", "title", "filed on", "state", "note"],
            plans.map { plan in
                [
                    plan.id.rawValue, names[plan.org] ?? plan.org, plan["title"].description,
                    plan["filed_on"].description, TierSyncNode.FilingState(plan).rawValue,
                    plan["filing_note"].description,
                ]
            })
    }
}

/// A filed plan as `filings --json` prints it.
struct FilingDocument: Encodable {
    let id: String, org: String, title: String?, filedWith: String?, filedOn: String?, state: String
    let note: String?, approvedBy: String?

    init(plan: StoredRecord) {
        id = plan.id.rawValue
        org = plan.org
        title = plan["title"].textValue
        filedWith = plan["filed_with"].textValue
        filedOn = plan["filed_on"].textValue
        state = TierSyncNode.FilingState(plan).rawValue
        note = plan["filing_note"].textValue
        approvedBy = plan["approved_by"].textValue
    }

    enum CodingKeys: String, CodingKey {
        case id, org, title, state, note
        case filedWith = "filed_with", filedOn = "filed_on", approvedBy = "approved_by"
    }
}

/// `tiersync task closeout ID --note TEXT`: the responsible unit asks for close-out (申请销号).
struct RequestCloseout: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closeout",
        abstract:
            "Ask for a task's close-out (申请销号); the level above approves it (tiersync approve task ID) or returns it.")

    @OptionGroup var node: NodeOptions
    @Option(help: "What was done.") var note: String
    @Argument(help: "The task's id.") var id: String

    func run() throws {
        let task =
            try node.openWorkspace().requestCloseout(task: id, note: note)
        Output.line("close-out requested for \(task.id)")
    }
}

/// `tiersync task return ID --note TEXT`: the level above returns a close-out request.
struct ReturnTask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return", abstract: "Return a task's close-out request (退回): it is open again, with the reason.")

    @OptionGroup var node: NodeOptions
    @Option(help: "Why it is returned.") var note: String
    @Argument(help: "The task's id.") var id: String

    func run() throws {
        let task =
            try node.openWorkspace().returnCloseout(task: id, note: note)
        Output.line("returned \(task.id): open")
    }
}

/// `tiersync directive read ID`: notes that this unit read a directive (a read receipt).
struct ReadDirective: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read", abstract: "Note that this unit read a directive; the receipt syncs up to its sender.")

    @OptionGroup var node: NodeOptions
    @Argument(help: "The directive's id.") var id: String

    func run() throws {
        let directive =
            try node.openWorkspace().markRead(directive: id)
        Output.line("read \(directive.id)")
    }
}

/// `tiersync directive receipts ID`: per unit below, whether the directive arrived and was read.
struct DirectiveReceipts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts", abstract: "Show, per unit the directive reaches, whether it arrived and was read.")

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print JSON.") var json = false
    @Argument(help: "The directive's id.") var id: String

    func run() throws {
        let units =
            try node.openWorkspace().directiveReach(id)
        if json { return try Output.json(["units": units]) }
        Output.table(
            ["org", "name", "arrived", "read", "reader"],
            units.map { [$0.org, $0.name, $0.arrived ?? "", $0.read ?? "", $0.reader ?? ""] })
    }
}
