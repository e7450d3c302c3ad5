import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Pending amendments on a hub on PostgreSQL: edits made below a record this hub's unit
/// approved, before the approval reached them, listed and decided as on a SQLite node (the
/// same views, `AmendmentView.list`, and the same rules, `RecordEdit.decideAmendment`).
///
/// ```swift
/// for amendment in try county.amendments(includeDecided: false) {
///     try county.rejectAmendment(amendment.id, reason: "以审核版本为准")
/// }
/// ```
extension PostgresHub {
    /// Pending amendments first (oldest first), then the decided ones, newest first; of one
    /// record only, with `record`.
    public func amendments(includeDecided: Bool = true, record only: String? = nil) throws -> [AmendmentView] {
        let reviewTable = try table(named: TierSyncNode.amendmentReviewTable)
        return try store.read { session in
            let storage = PostgresMergeStorage(session: session)
            let record = only?.lowercased()
            // Only the open concurrent versions of approvable records can be amendments.
            let tables = RecordKind.approvable.map { "'\($0.table)'" }.joined(separator: ", ")
            let open = try session.query(
                """
                SELECT \(PostgresMergeStorage.conflictColumns) FROM conflict
                WHERE settled_hlc IS NULL AND kind = 'concurrent' AND tbl IN (\(tables))\(record == nil ? "" : " AND record = $1")
                ORDER BY id
                """, record.map { [.text($0)] } ?? []
            ).map(PostgresMergeStorage.conflict)
            let reviews =
                includeDecided
                ? try session.rows(
                    """
                    SELECT id FROM amendment_review WHERE deleted = 0\(record == nil ? "" : " AND record = ?")
                    ORDER BY \(session.dialect.bytewise("decided_at")) DESC, \(session.dialect.bytewise("id"))
                    """, record.map { [.text($0)] } ?? []
                ).compactMap { RecordID($0[0] as String) }.compactMap { try storage.record(reviewTable, id: $0) } : []
            return try AmendmentView.list(open: open, reviews: reviews, directory: try store.directory(session)) {
                kind, id in try storage.record(try table(of: kind), id: id)
            }
        }
    }

    /// Accepts (`accept`) or rejects a pending amendment, as this hub's own edit on top of it.
    @discardableResult
    public func decideAmendment(_ id: String, accept: Bool, reason: String?) throws -> StoredRecord {
        guard let rowID = Int64(id) else { throw DomainError.notFound(kind: "pending amendment", id: id) }
        return try editConflict(rowID, named: "pending amendment") { edit, writer, row in
            try edit.decideAmendment(
                row, accept: accept, reason: reason, decider: actorName, who: who,
                directory: writer.directory, writer: &writer)
        }
    }
}
