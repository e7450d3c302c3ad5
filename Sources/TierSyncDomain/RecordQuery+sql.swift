import TierSyncCore
import TierSyncStore

/// A record list's query in the SQL both stores share, so that a page lists the same records
/// in the same order from SQLite and from PostgreSQL.
extension RecordQuery {
    /// The condition, its arguments and the order of the query over `kind`'s table aliased
    /// `r` joined with its owner's unit aliased `o`, for the subtree of `root`.
    ///
    /// ```swift
    /// let sql = try query.sql(.contact, table: table, root: unit, dialect: .postgres)
    /// "SELECT r.* FROM contact r JOIN org_unit o ON o.code = r.org WHERE \(sql.filter) ORDER BY \(sql.order)"
    /// ```
    ///
    /// - Throws: `DomainError` for an unknown filter or sort field.
    public func sql(_ kind: RecordKind, table: SyncedTable, root: OrgUnit, dialect: SQLDialect) throws
        -> (filter: String, arguments: [FieldValue], order: String)
    {
        var conditions: [String] = []
        var arguments: [FieldValue] = []
        let own = source != .shared
        let shared = source != .own && table.field(named: "share") != nil
        switch (own, shared) {
        case (true, false):
            conditions.append(OrgUnit.subtreeFilter("o"))
            arguments += OrgUnit.subtreeValues(root.path)
        case (false, true):
            conditions.append(OrgUnit.sharedFilter("r", dialect: dialect))
            arguments += OrgUnit.sharedValues(root.path)
        case (true, true):
            conditions.append("(\(OrgUnit.subtreeFilter("o")) OR \(OrgUnit.sharedFilter("r", dialect: dialect)))")
            arguments += OrgUnit.subtreeValues(root.path) + OrgUnit.sharedValues(root.path)
        case (false, false): conditions.append("1 = 0")
        }
        if !includeDeleted { conditions.append("r.deleted = 0") }
        for (key, value) in filters.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            let spec = try kind.field(named: key)
            // PostgreSQL compares a number column with text only when told to read it as text.
            conditions.append(dialect == .postgres ? "CAST(r.\(spec.field) AS text) = ?" : "r.\(spec.field) = ?")
            arguments.append(.text(value))
        }
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty, !kind.searchFields.isEmpty {
            let pattern =
                "%"
                + search.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE does the same.
            let like = dialect == .postgres ? "ILIKE" : "LIKE"
            conditions.append(
                "(" + kind.searchFields.map { "r.\($0) \(like) ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            arguments += kind.searchFields.map { _ in .text(pattern) }
        }
        let column: String
        switch sort {
        case nil, "updated": column = "r.updated"
        case "org": column = "o.path"
        case let key?:
            let field = try kind.field(named: key).field
            // Text sorts byte by byte on both, as SQLite sorts it.
            column =
                table.field(named: field)?.affinity == .text ? dialect.bytewise("r.\(field)") : "r.\(field)"
        }
        let direction = descending ? "DESC" : "ASC"
        // SQLite puts NULL first going up and last going down; PostgreSQL the other way round.
        let nulls = dialect == .postgres ? (descending ? " NULLS LAST" : " NULLS FIRST") : ""
        return (
            conditions.joined(separator: " AND "), arguments,
            "\(column) \(direction)\(nulls), \(dialect.bytewise("r.id")) \(direction)"
        )
    }
}
