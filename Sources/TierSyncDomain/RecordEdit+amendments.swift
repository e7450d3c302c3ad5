import TierSyncCore
import TierSyncStore

/// Deciding a pending amendment, on either store: the level that approved the record (or
/// one above it) accepts the edit made below, as its own edit on top of both, or rejects it
/// by restating the approved value; the decision is a record (`amendment_review`) of the
/// record's org, so the unit below sees it.
///
/// ```swift
/// let record = try edit.decideAmendment(row, accept: false, reason: "以审核版本为准", decider: "钟山区",
///                                       who: "by node …", directory: directory, writer: &writer)
/// ```
extension RecordEdit {
    /// Accepts (`accept`) or rejects the pending amendment kept as the conflict `row` of a
    /// record of this kind; returns the record after the decision.
    ///
    /// - Parameters:
    ///   - decider: the name kept as the decider's (a person's, or the unit's).
    ///   - who: who settled the conflict, for its history ("by node …").
    public func decideAmendment(
        _ row: ConflictRow, accept: Bool, reason: String?, decider: String, who: String, directory: PeerDirectory,
        writer: inout some RecordWriting
    ) throws -> StoredRecord {
        guard row.settledHlc == nil, let recordID = RecordID(row.record),
            let record = try writer.fetch(table: kind.table, id: recordID),
            TierSyncNode.isPendingAmendment(row, record: record, directory: directory),
            let approval = Approval(record)
        else { throw DomainError.notFound(kind: "pending amendment", id: row.id.map(String.init) ?? "") }
        guard let approver = try unit(approval.org) else { throw DomainError.unknownOrg(approval.org) }
        guard editor.contains(approver) else {
            throw DomainError.procedure(
                "amendment \(row.id.map(String.init) ?? "") waits for \(approver.code) \(approver.name), which approved the record, to decide it",
                chinese: "该修改申请由审核单位\(approver.name)决定是否采纳。")
        }
        let after = try resolve(row, accept ? .keepOther : .keepCurrent, who: who, writer: &writer)
        try writer.insert(
            table: TierSyncNode.amendmentReviewTable, id: Self.newRecordID(), org: record.org,
            fields: [
                "tbl": .text(row.tbl), "record": .text(row.record), "field": .text(row.field),
                "value": .text(row.value.description), "node": .text(row.node), "hlc": .integer(row.hlc),
                "decision": .text(accept ? "accepted" : "rejected"), "reason": reason.map(FieldValue.text) ?? .null,
                "decided_by": .text(editor.code), "decider": .text(decider), "decided_at": .text(context.nowText),
            ])
        return after
    }
}
