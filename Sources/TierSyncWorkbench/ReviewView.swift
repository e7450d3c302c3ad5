import Hummingbird
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// `/review` (审核): what waits for this level (plans filed with it, close-out requests,
/// reports from the units below not yet approved, pending amendments) and the amendments
/// decided, as links to the records where the buttons are.
struct ReviewView: Sendable {
    struct Row: Sendable {
        let href: String
        let title: String
        let org: String
        let detail: String
    }

    struct AmendmentRow: Sendable {
        let href: String
        let kind: String
        let org: String
        let field: String
        let proposed: String
        let status: String
        let reason: String
    }

    let filings: [Row]
    let closeouts: [Row]
    let reports: [Row]
    let amendments: [AmendmentRow]
    let hasFilings: Bool
    let hasCloseouts: Bool
    let hasReports: Bool
    let hasAmendments: Bool
    /// True when the node has units below it to review.
    let reviewsBelow: Bool

    /// How many unapproved reports the page lists at most, newest period first.
    static let reportLimit = 200

    init(node: any WorkbenchNode, visitor: Visitor, reviewsBelow: Bool) throws {
        let orgs = try OrgChoices(node: node, scope: visitor.scope)
        let text = ValueText(vocabulary: node.vocabulary, orgNames: orgs.names, planTitles: [:])
        func href(_ kind: RecordKind, _ record: StoredRecord) -> String {
            "/records/\(kind.name)/\(record.id.rawValue)"
        }
        let inScope = { (record: StoredRecord) in orgs.subtree.contains { $0.code == record.org } }
        filings = try node.filings().filter { inScope($0) && TierSyncNode.FilingState($0) == .pending }.map {
            Row(
                href: href(.plan, $0), title: $0["title"].description, org: orgs.name($0.org),
                detail: "备案日期 \($0["filed_on"].description)")
        }
        closeouts = try node.list(.task, under: visitor.scope.code).filter {
            $0["status"] == .text("close-requested") && $0.org != node.hubOrg.code
        }.map {
            Row(
                href: href(.task, $0), title: $0["title"].description, org: orgs.name($0.org),
                detail: "截止 \($0["deadline"].description)：\($0["note"].description)")
        }
        reports = try node.list(.report, under: visitor.scope.code)
            .filter { $0.org != node.hubOrg.code && Approval($0) == nil }
            .sorted { ($0["period"].description, $0.org) > ($1["period"].description, $1.org) }
            .prefix(Self.reportLimit)
            .map {
                Row(
                    href: href(.report, $0), title: $0["period"].description, org: orgs.name($0.org),
                    detail: String($0["body"].description.prefix(40)))
            }
        amendments = try node.amendments().filter { amendment in
            orgs.subtree.contains { $0.code == amendment.recordOrg }
        }.map { amendment in
            let kind = RecordKind.named(amendment.kind) ?? .report
            let spec = try? kind.field(named: amendment.field)
            return AmendmentRow(
                href: "/records/\(kind.name)/\(amendment.record)", kind: kind.displayName,
                org: orgs.name(amendment.recordOrg),
                field: spec?.label ?? amendment.field, proposed: text.text(amendment.proposed, spec),
                status: amendment.status.chinese, reason: amendment.reason ?? "")
        }
        (hasFilings, hasCloseouts, hasReports, hasAmendments) = (
            !filings.isEmpty, !closeouts.isEmpty, !reports.isEmpty, !amendments.isEmpty
        )
        self.reviewsBelow = reviewsBelow
    }
}

extension Pages {
    func review(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let view = try await blocking { [node, hasSubtree] in
                try ReviewView(node: node, visitor: visitor, reviewsBelow: hasSubtree)
            }
            return await render("review", view, title: "审核", visitor: visitor, section: "review")
        }
    }
}
