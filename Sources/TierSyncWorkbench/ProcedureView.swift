import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// The procedures panel of a record's page (plan, report, task): its approval and, for a
/// plan, its filing; the forms this visitor may use (approve, unapprove, file, verdict,
/// close-out, return); and the amendments waiting on the record.
struct ProcedureView: Sendable {
    struct Amendment: Sendable {
        let id: String
        let field: String
        let proposed: String
        let approved: String
        let org: String
        let time: String
        let status: String
        let reason: String
        let isPending: Bool
    }

    let action: String
    let csrf: String
    /// Why the last button pressed was refused, in Chinese.
    var error: String? = nil
    /// `已由钟山区（示例·王一）于 2026-12-02 10:00 审核通过：同意`; nil while not approved.
    let approval: String?
    /// True when this node may not edit the record: approved by a unit above it.
    let locked: Bool
    let filing: String?
    let mayApprove: Bool
    let mayUnapprove: Bool
    /// Units above the plan's unit it may be filed with; empty when it cannot be filed here.
    let fileOptions: [Option]
    let mayFile: Bool
    let mayVerdict: Bool
    let mayRequestCloseout: Bool
    let mayReturn: Bool
    let amendments: [Amendment]
    let hasAmendments: Bool
    let mayDecide: Bool

    struct Option: Sendable {
        let value: String
        let label: String
    }
}

extension ProcedureView {
    /// The panel for `record` of `kind` as `visitor` sees it on `node`; nil for kinds without
    /// procedures.
    init?(
        _ kind: RecordKind, _ record: StoredRecord, node: any WorkbenchNode, visitor: Visitor, orgs: OrgChoices,
        text: ValueText
    ) throws {
        guard kind.isApprovable, !record.deleted else { return nil }
        let reviews = visitor.refusal(for: .review) == nil && visitor.refusalOfWholeNode(node) == nil
        let enters = visitor.role != nil
        let approval = Approval(record)
        let units = try node.orgs()
        let approver = approval.flatMap { approval in units.first { $0.code == approval.org } }
        let isAbove = record.org != node.hubOrg.code
        action = "/records/\(kind.name)/\(record.id.rawValue)"
        csrf = visitor.csrf
        self.approval = approval.map {
            "已由\(orgs.name($0.org))（\($0.approver)）于 \(ChinaTime.display($0.at)) 审核通过"
                + ($0.note.map { "：\($0)" } ?? "")
        }
        locked = approval != nil && !(approver.map { node.hubOrg.contains($0) } ?? false)
        mayApprove = reviews && isAbove && approval == nil
        mayUnapprove = reviews && approval != nil && !locked
        let isPlan = kind.name == RecordKind.plan.name
        let state = isPlan ? TierSyncNode.FilingState(record) : nil
        filing = state.map { state in
            var text = "备案状态：\(state.chinese)"
            if let with = record["filed_with"].textValue { text += "（备案单位：\(orgs.name(with))" }
            if let on = record["filed_on"].textValue { text += "，\(on)" }
            if record["filed_with"] != .null { text += "）" }
            if let note = record["filing_note"].textValue { text += "　审查意见：\(note)" }
            return text
        }
        // A plan is filed with a unit above its own, the nearest first.
        let owner = units.first { $0.code == record.org }
        fileOptions =
            isPlan && enters && !locked && state != .accepted
            ? units.filter { above in owner.map { above.contains($0) && above.code != $0.code } ?? false }
                .reversed().map { Option(value: $0.code, label: $0.name) } : []
        mayFile = !fileOptions.isEmpty
        mayVerdict = isPlan && reviews && record["filed_with"] == .text(node.hubOrg.code) && state == .pending
        let isTask = kind.name == RecordKind.task.name
        mayRequestCloseout = isTask && enters && !locked && record["status"] == .text("open")
        mayReturn = isTask && reviews && isAbove && record["status"] == .text("close-requested")
        let all = try node.amendments(record: record.id.rawValue)
        amendments = all.map { amendment in
            let spec = try? kind.field(named: amendment.field)
            return Amendment(
                id: amendment.id, field: spec?.label ?? amendment.field, proposed: text.text(amendment.proposed, spec),
                approved: text.text(amendment.approved, spec), org: amendment.nodeOrg.map(orgs.name) ?? "",
                time: ChinaTime.display(amendment.madeAt), status: amendment.status.chinese,
                reason: amendment.reason ?? "", isPending: amendment.status == .pending)
        }
        hasAmendments = !amendments.isEmpty
        mayDecide = reviews && approval != nil && !locked
    }
}
