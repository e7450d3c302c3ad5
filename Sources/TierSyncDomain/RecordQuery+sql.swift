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
        let (scope, values) = Self.scope(
            table, root: root, own: source != .shared, shared: source != .own, dialect: dialect)
        var conditions = [scope]
        var arguments = values
        if !includeDeleted { conditions.append("r.deleted = 0") }
        for (key, value) in filters.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            let field = try kind.field(named: key).field
            if table.field(named: field)?.affinity == .text || dialect == .sqlite {
                conditions.append("r.\(field) = ?")
                arguments.append(.text(value))
            } else if let number = Double(value), number.isFinite {
                // A number column: SQLite reads the typed text as a number, so PostgreSQL is
                // given the number.
                conditions.append("r.\(field) = ?")
                arguments.append(Int64(exactly: number).map(FieldValue.integer) ?? .real(number))
            } else {
                conditions.append("1 = 0")  // text that is no number matches no number, as on SQLite
            }
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

    /// SQL (over `r`, a record, and `o`, its org unit) for the records of `root`'s subtree
    /// (`own`) and those upper levels share down to `root` (`shared`, for a table with `share`).
    public static func scope(_ table: SyncedTable, root: OrgUnit, own: Bool, shared: Bool, dialect: SQLDialect)
        -> (String, [FieldValue])
    {
        let shared = shared && table.field(named: "share") != nil
        let below = (OrgUnit.subtreeFilter("o"), OrgUnit.subtreeValues(root.path))
        let above = (OrgUnit.sharedFilter("r", dialect: dialect), OrgUnit.sharedValues(root.path))
        switch (own, shared) {
        case (true, false): return below
        case (false, true): return above
        case (true, true): return ("(\(below.0) OR \(above.0))", below.1 + above.1)
        case (false, false): return ("1 = 0", [])
        }
    }
}
