import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// What the workbench's pages read on a hub on PostgreSQL: record lists, histories and
/// authors, receipts, with the queries a SQLite node runs (`RecordQuery.sql`,
/// `TierSyncNode.historySQL`), so that the same pages serve both.
extension PostgresHub: WorkbenchNode {
    public func records(_ kind: RecordKind, _ query: RecordQuery) throws -> RecordPage {
        let table = try table(of: kind)
        return try store.read { session in
            let code = query.org ?? hubOrg.code
            guard let root = try Self.orgUnit(code, session) else { throw DomainError.unknownOrg(code) }
            let sql = try query.sql(kind, table: table, root: root, dialect: .postgres)
            let from = "FROM \(kind.table) r JOIN org_unit o ON o.code = r.org WHERE \(sql.filter)"
            let total: Int = try session.rows("SELECT count(*) \(from)", sql.arguments).first?[0] ?? 0
            let columns = PostgresMergeStorage.columns(table).split(separator: ", ").map { "r.\($0)" }
            let (select, _) = PostgresSession.numbered(
                "SELECT \(columns.joined(separator: ", ")) \(from) ORDER BY \(sql.order) LIMIT ? OFFSET ?")
            let rows = try session.query(
                select,
                sql.arguments + [.integer(Int64(max(1, min(query.limit, 500)))), .integer(Int64(max(0, query.offset)))])
            return RecordPage(records: try rows.map { try PostgresMergeStorage.record(table, $0) }, total: total)
        }
    }

    public func show(_ kind: RecordKind, id: String) throws -> StoredRecord { try record(kind, id: id) }

    public func orgUnit(_ code: String) throws -> OrgUnit? {
        try store.withSession { session in try Self.orgUnit(code, session) }
    }

    public func defaults(_ kind: RecordKind) throws -> [String: String] {
        try store.read { session in kind.defaults(try context(session)).mapValues(\.description) }
    }

    public func history(_ kind: RecordKind, id: String) throws -> [TierSyncNode.HistoryEntry] {
        guard let recordID = RecordID(id) else { throw DomainError.notFound(kind: kind.name, id: id) }
        return try store.read { session in
            let directory = try store.directory(session)
            let (sql, _) = PostgresSession.numbered(TierSyncNode.historySQL)
            let rows = try session.query(sql, [.text(recordID.rawValue), .text(kind.table)]).map { row in
                let (seq, field, value, hlc, node, login, name, losing) = try row.decode(
                    (Int64, String, String?, Int64, String, String?, String?, Bool).self)
                return (
                    seq: seq, field: field, value: try PostgresValue.untagged(value), hlc: hlc, node: node,
                    login: login, name: name, losing: losing
                )
            }
            return TierSyncNode.history(rows, directory: directory)
        }
    }

    public func author(ofRecord record: String, field: String, node: String) throws -> Author? {
        try store.read { session in try TierSyncNode.author(ofRecord: record, field: field, node: node, in: session) }
    }

    public func receipts(of id: String) throws -> [TierSyncNode.Receipt] {
        try store.read { session in try TierSyncNode.receipts(of: id, in: session) }
    }
}
