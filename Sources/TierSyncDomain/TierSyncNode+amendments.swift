import GRDB
import TierSyncCore
import TierSyncStore

/// Pending amendments: edits made below an approved record before the approval reached
/// them. The merge keeps them beside the approved values (`RecordLock`); here they are listed
/// on both sides and decided by the approving level: accepted (an edit on top that takes the
/// proposed value) or rejected (an edit on top that keeps the approved one), with the
/// decision in an `amendment_review` record that syncs down, so the unit below sees it.
extension TierSyncNode {
    static let amendmentReviewTable = "amendment_review"

    /// Pending amendments first (oldest first), then the decided ones, newest first; of one
    /// record only, with `record` (a record's page).
    public func amendments(includeDecided: Bool = true, record only: String? = nil) throws -> [AmendmentView] {
        let onRecord = only == nil ? "" : " AND record = ?"
        let arguments: StatementArguments = only.map { [$0.lowercased()] } ?? []
        return try store.read { db in
            let directory = try store.directories.directory(db)
            var views: [AmendmentView] = []
            let tables = RecordKind.approvable.map { "'\($0.table)'" }.joined(separator: ", ")
            let rows = try ConflictRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM conflict WHERE settled_hlc IS NULL AND kind = 'concurrent' AND tbl IN (\(tables))\(onRecord)
                    ORDER BY id
                    """, arguments: arguments)
            for row in rows {
                guard let kind = RecordKind.forTable(row.tbl), let id = RecordID(row.record),
                    let record = try fetch(kind, id, db: db),
                    Self.isPendingAmendment(row, record: record, directory: directory)
                else { continue }
                views.append(
                    AmendmentView(
                        id: String(row.id!), status: .pending, kind: kind.name, record: row.record, recordOrg: row.org,
                        field: row.field, proposed: row.value, approved: record[row.field], node: row.node,
                        nodeOrg: NodeID(row.node).flatMap(directory.org(ofNode:)),
                        madeAt: HLCTimestamp(rawValue: row.hlc).isoTime, approvedBy: Approval(record)?.org, reason: nil,
                        decider: nil, decidedAt: nil))
            }
            guard includeDecided else { return views }
            let table = try store.table(named: Self.amendmentReviewTable)
            let decided = try Row.fetchAll(
                db, sql: "SELECT * FROM amendment_review WHERE deleted = 0\(onRecord) ORDER BY decided_at DESC, id",
                arguments: arguments)
            for row in decided {
                let review = try StoredRecord(table: table, row: row)
                let kind = review["tbl"].textValue.flatMap(RecordKind.forTable)
                let record = try kind.flatMap { kind in
                    try review["record"].textValue.flatMap(RecordID.init).flatMap { try fetch(kind, $0, db: db) }
                }
                let field = review["field"].textValue ?? ""
                views.append(
                    AmendmentView(
                        id: review.id.rawValue, status: review["decision"] == .text("accepted") ? .accepted : .rejected,
                        kind: kind?.name ?? review["tbl"].description, record: review["record"].textValue ?? "",
                        recordOrg: review.org, field: field, proposed: review["value"],
                        approved: record?[field] ?? .null, node: review["node"].textValue ?? "",
                        nodeOrg: review["node"].textValue.flatMap(NodeID.init).flatMap(directory.org(ofNode:)),
                        madeAt: review["hlc"].integerValue.map { HLCTimestamp(rawValue: $0).isoTime } ?? "",
                        approvedBy: review["decided_by"].textValue, reason: review["reason"].textValue,
                        decider: review["decider"].textValue, decidedAt: review["decided_at"].textValue))
            }
            return views
        }
    }

    /// Accepts a pending amendment: the approving level takes the proposed value as its own
    /// edit, on top of both; the record stays approved.
    @discardableResult
    public func acceptAmendment(_ id: String, reason: String? = nil) throws -> StoredRecord {
        try decide(id, accept: true, reason: reason)
    }

    /// Rejects a pending amendment with a reason: the approved value is restated on top of
    /// it, and the edit stays in the record's history and in the decision record.
    @discardableResult
    public func rejectAmendment(_ id: String, reason: String) throws -> StoredRecord {
        try decide(id, accept: false, reason: reason)
    }

    private func decide(_ id: String, accept: Bool, reason: String?) throws -> StoredRecord {
        try write { writer in
            guard let rowID = Int64(id), let row = try ConflictRow.fetchOne(writer.db, key: rowID),
                row.settledHlc == nil, let kind = RecordKind.forTable(row.tbl), let recordID = RecordID(row.record),
                let record = try fetch(kind, recordID, db: writer.db),
                Self.isPendingAmendment(row, record: record, directory: try writer.directory()),
                let approval = Approval(record)
            else {
                throw DomainError.notFound(kind: "pending amendment", id: id)
            }
            let approver = try orgUnit(approval.org, db: writer.db)
            guard org.contains(approver) else {
                throw DomainError.procedure(
                    "amendment \(id) waits for \(approver.code) \(approver.name), which approved the record, to decide it",
                    chinese: "该修改申请由审核单位\(approver.name)决定是否采纳。")
            }
            let (_, after) = try resolve(rowID, accept ? .keepOther : .keepCurrent, writer: &writer)
            let context = context(writer.db)
            var random = SystemRandomNumberGenerator()
            try writer.insert(
                table: Self.amendmentReviewTable, id: RecordID.random(using: &random), org: record.org,
                fields: [
                    "tbl": .text(row.tbl), "record": .text(row.record), "field": .text(row.field),
                    "value": .text(row.value.description), "node": .text(row.node), "hlc": .integer(row.hlc),
                    "decision": .text(accept ? "accepted" : "rejected"), "reason": reason.map(FieldValue.text) ?? .null,
                    "decided_by": .text(org.code), "decider": .text(author?.name ?? org.name),
                    "decided_at": .text(context.nowText),
                ])
            return after
        }
    }

    /// True when a kept conflict version is a pending amendment: its record is approved, its
    /// field is one the approval locks (not the approval's own), and the version was made
    /// below the approver without the approval having seen it.
    static func isPendingAmendment(_ row: ConflictRow, record: StoredRecord, directory: PeerDirectory) -> Bool {
        guard row.kind == .concurrent, let kind = RecordKind.forTable(row.tbl), kind.isApprovable,
            RecordKind.mergePolicies.locks[row.tbl]?.locks(row.field) == true, let approval = Approval(record),
            let lockVersion = record.version(of: Approval.lockField),
            let version = row.versioned?.version
        else { return false }
        let lock = RecordLock(version: lockVersion, approverPath: directory.path(ofOrg: approval.org))
        return lock.isAmendment(version, originPath: directory.path(ofNode: version.node))
    }
}
