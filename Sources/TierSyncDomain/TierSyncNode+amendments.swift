import GRDB
import TierSyncCore
import TierSyncStore

/// Pending amendments: edits made below an approved record before the approval reached
/// them. The merge keeps them beside the approved values (`RecordLock`); here they are listed
/// on both sides and decided by the approving level: accepted (an edit on top that takes the
/// proposed value) or rejected (an edit on top that keeps the approved one), with the
/// decision in an `amendment_review` record that syncs down, so the unit below sees it.
extension TierSyncNode {
    public static let amendmentReviewTable = "amendment_review"

    /// Pending amendments first (oldest first), then the decided ones, newest first; of one
    /// record only, with `record` (a record's page).
    public func amendments(includeDecided: Bool = true, record only: String? = nil) throws -> [AmendmentView] {
        let onRecord = only == nil ? "" : " AND record = ?"
        let arguments: StatementArguments = only.map { [$0.lowercased()] } ?? []
        return try store.read { db in
            let tables = RecordKind.approvable.map { "'\($0.table)'" }.joined(separator: ", ")
            let open = try ConflictRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM conflict WHERE settled_hlc IS NULL AND kind = 'concurrent' AND tbl IN (\(tables))\(onRecord)
                    ORDER BY id
                    """, arguments: arguments)
            let table = try store.table(named: Self.amendmentReviewTable)
            let reviews =
                includeDecided
                ? try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM amendment_review WHERE deleted = 0\(onRecord) ORDER BY decided_at DESC, id",
                    arguments: arguments
                ).map { try StoredRecord(table: table, row: $0) } : []
            return try AmendmentView.list(open: open, reviews: reviews, directory: try store.directories.directory(db))
            {
                kind, id in try fetch(kind, id, db: db)
            }
        }
    }

    /// Accepts (`accept`) or rejects a pending amendment, as this node's own edit on top of it.
    @discardableResult
    public func decideAmendment(_ id: String, accept: Bool, reason: String?) throws -> StoredRecord {
        try write { writer in
            guard let rowID = Int64(id), let row = try ConflictRow.fetchOne(writer.db, key: rowID),
                let kind = RecordKind.forTable(row.tbl)
            else { throw DomainError.notFound(kind: "pending amendment", id: id) }
            return try edit(kind, writer.db).decideAmendment(
                row, accept: accept, reason: reason, decider: author?.name ?? org.name, who: who(writer),
                directory: try writer.directory(), writer: &writer)
        }
    }

    /// True when a kept conflict version is a pending amendment: its record is approved, its
    /// field is one the approval locks (not the approval's own), and the version was made
    /// below the approver without the approval having seen it.
    public static func isPendingAmendment(_ row: ConflictRow, record: StoredRecord, directory: PeerDirectory) -> Bool {
        guard row.kind == .concurrent, let kind = RecordKind.forTable(row.tbl), kind.isApprovable,
            RecordKind.mergePolicies.locks[row.tbl]?.locks(row.field) == true, let approval = Approval(record),
            let lockVersion = record.version(of: Approval.lockField),
            let version = row.versioned?.version
        else { return false }
        let lock = RecordLock(version: lockVersion, approverPath: directory.path(ofOrg: approval.org))
        return lock.isAmendment(version, originPath: directory.path(ofNode: version.node))
    }
}
