import GRDB
import TierSyncStore

/// Record lists for the web pages: searched, filtered, sorted and paged in SQL, so a county
/// with tens of thousands of contacts reads only the page it shows.
extension TierSyncNode {
    /// The records of `kind` that `query` asks for, and how many match in all.
    ///
    /// - Throws: `DomainError` for an unknown org, filter or sort field.
    public func records(_ kind: RecordKind, _ query: RecordQuery) throws -> RecordPage {
        let table = try store.table(named: kind.table)
        return try store.read { db in
            let root = try orgUnit(query.org ?? org.code, db: db)
            let sql = try query.sql(kind, table: table, root: root, dialect: .sqlite)
            let from = "FROM \(kind.table) r JOIN org_unit o ON o.code = r.org WHERE \(sql.filter)"
            let arguments = StatementArguments(sql.arguments)
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT r.* \(from) ORDER BY \(sql.order) LIMIT ? OFFSET ?",
                arguments: arguments + [max(1, min(query.limit, 500)), max(0, query.offset)])
            return RecordPage(records: try rows.map { try StoredRecord(table: table, row: $0) }, total: total)
        }
    }
}
