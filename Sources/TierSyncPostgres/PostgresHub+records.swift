import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// The records a hub on PostgreSQL holds, as `tiersync KIND show|list --db postgresql://…`
/// prints them: the same selection and order as a SQLite node's (`TierSyncNode.list`).
extension PostgresHub {
    /// The record with `id`, deleted or not.
    public func record(_ kind: RecordKind, id: String) throws -> StoredRecord {
        try store.read { session in try record(kind, id: id, session) }
    }

    /// `record` read in the session's transaction.
    func record(_ kind: RecordKind, id: String, _ session: PostgresSession) throws -> StoredRecord {
        guard let recordID = RecordID(id),
            let record = try PostgresMergeStorage(session: session).record(try table(of: kind), id: recordID)
        else { throw DomainError.notFound(kind: kind.name, id: id) }
        return record
    }

    /// Live records of `kind` owned by `org` or units below it (default: the whole hub),
    /// oldest first; with `shared`, also those that upper levels share down to `org`.
    public func list(_ kind: RecordKind, under org: String? = nil, includeDeleted: Bool = false, shared: Bool = false)
        throws -> [StoredRecord]
    {
        let table = try table(of: kind)
        return try store.read { session in
            guard let root = try Self.orgUnit(org ?? hubOrg.code, session) else {
                throw DomainError.unknownOrg(org ?? hubOrg.code)
            }
            let (scope, arguments) = RecordQuery.scope(table, root: root, own: true, shared: shared, dialect: .postgres)
            let columns = PostgresMergeStorage.columns(table).split(separator: ", ").map { "r.\($0)" }
            let (sql, _) = PostgresSession.numbered(
                """
                SELECT \(columns.joined(separator: ", ")) FROM \(table.name) r JOIN org_unit o ON o.code = r.org
                WHERE \(scope) \(includeDeleted ? "" : "AND r.deleted = 0")
                ORDER BY r.created, r.id COLLATE "C"
                """)
            return try session.query(sql, arguments).map { try PostgresMergeStorage.record(table, $0) }
        }
    }

    /// Org units at and below `code` (default: the whole hierarchy the hub knows), by path.
    public func orgs(under code: String? = nil) throws -> [OrgUnit] {
        try store.read { session in
            guard let code else {
                return try session.query(
                    "SELECT code, parent, name, level, path FROM org_unit ORDER BY path COLLATE \"C\""
                )
                .map(Self.orgUnit)
            }
            guard let root = try Self.orgUnit(code, session) else { throw DomainError.unknownOrg(code) }
            return try OrgUnit.subtree(of: root, in: session)
        }
    }

    func table(of kind: RecordKind) throws -> SyncedTable { try table(named: kind.table) }

    func table(named name: String) throws -> SyncedTable {
        guard let table = store.tables[name] else {
            throw StoreError.unknownTable(name, known: store.tables.keys.sorted())
        }
        return table
    }
}
