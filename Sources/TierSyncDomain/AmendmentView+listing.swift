import TierSyncCore
import TierSyncStore

extension AmendmentView {
    /// The amendments a store holds, from its open conflicts and its decision records
    /// (`amendment_review`), on either store: the pending ones first, oldest first, then the
    /// decided ones in the order `reviews` gives (newest first).
    ///
    /// ```swift
    /// let views = try AmendmentView.list(open: conflicts, reviews: decided, directory: directory) { kind, id in
    ///     try storage.record(tables[kind.table]!, id: id)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - open: the store's open conflicts (any; those that are not pending amendments are left out).
    ///   - record: the record of a kind by its id, deleted or not.
    public static func list(
        open: [ConflictRow], reviews: [StoredRecord], directory: PeerDirectory,
        record: (RecordKind, RecordID) throws -> StoredRecord?
    ) throws -> [AmendmentView] {
        var views: [AmendmentView] = []
        for row in open.sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) {
            guard let kind = RecordKind.forTable(row.tbl), kind.isApprovable, let id = RecordID(row.record),
                let stored = try record(kind, id),
                TierSyncNode.isPendingAmendment(row, record: stored, directory: directory)
            else { continue }
            views.append(
                AmendmentView(
                    id: String(row.id!), status: .pending, kind: kind.name, record: row.record, recordOrg: row.org,
                    field: row.field, proposed: row.value, approved: stored[row.field], node: row.node,
                    nodeOrg: NodeID(row.node).flatMap(directory.org(ofNode:)),
                    madeAt: HLCTimestamp(rawValue: row.hlc).isoTime, approvedBy: Approval(stored)?.org, reason: nil,
                    decider: nil, decidedAt: nil))
        }
        for review in reviews where !review.deleted {
            let kind = review["tbl"].textValue.flatMap(RecordKind.forTable)
            let stored = try kind.flatMap { kind in
                try review["record"].textValue.flatMap(RecordID.init).flatMap { try record(kind, $0) }
            }
            let field = review["field"].textValue ?? ""
            views.append(
                AmendmentView(
                    id: review.id.rawValue, status: review["decision"] == .text("accepted") ? .accepted : .rejected,
                    kind: kind?.name ?? review["tbl"].description, record: review["record"].textValue ?? "",
                    recordOrg: review.org, field: field, proposed: review["value"],
                    approved: stored?[field] ?? .null, node: review["node"].textValue ?? "",
                    nodeOrg: review["node"].textValue.flatMap(NodeID.init).flatMap(directory.org(ofNode:)),
                    madeAt: review["hlc"].integerValue.map { HLCTimestamp(rawValue: $0).isoTime } ?? "",
                    approvedBy: review["decided_by"].textValue, reason: review["reason"].textValue,
                    decider: review["decider"].textValue, decidedAt: review["decided_at"].textValue))
        }
        return views
    }
}
