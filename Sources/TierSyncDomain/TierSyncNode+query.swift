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
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if !query.includeDeleted { conditions.append("r.deleted = 0") }
        for (key, value) in query.filters.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            let spec = try kind.field(named: key)
            conditions.append("r.\(spec.field) = ?")
            arguments.append(value)
        }
        if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty, !kind.searchFields.isEmpty
        {
            let pattern =
                "%"
                + search.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append(
                "(" + kind.searchFields.map { "r.\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            arguments += kind.searchFields.map { _ in pattern }
        }
        let sortColumn: String
        switch query.sort {
        case nil, "updated": sortColumn = "r.updated"
        case "org": sortColumn = "o.path"
        case let key?: sortColumn = "r." + (try kind.field(named: key)).field
        }
        return try store.read { db in
            let root = try orgUnit(query.org ?? org.code, db: db)
            let (scope, scopeArguments) = Self.scopeFilter(
                table, root: root, own: query.source != .shared, shared: query.source != .own)
            let filter = ([scope] + conditions).joined(separator: " AND ")
            let scoped = scopeArguments + StatementArguments(arguments)
            let from = "FROM \(kind.table) r JOIN org_unit o ON o.code = r.org WHERE \(filter)"
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: scoped) ?? 0
            let direction = query.descending ? "DESC" : "ASC"
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT r.* \(from) ORDER BY \(sortColumn) \(direction), r.id \(direction) LIMIT ? OFFSET ?",
                arguments: scoped + [max(1, min(query.limit, 500)), max(0, query.offset)])
            return RecordPage(records: try rows.map { try StoredRecord(table: table, row: $0) }, total: total)
        }
    }
}
