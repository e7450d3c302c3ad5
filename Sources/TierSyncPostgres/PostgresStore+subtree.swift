import TierSyncCore

extension PostgresStore {
    /// SQL for the org units of the subtree at `path` (`alias.path = $n OR (alias.path > $n+1
    /// AND alias.path < $n+2)`), as `OrgUnit.subtreeFilter` is for SQLite: a range of the
    /// "C"-collated path index. Its three parameters are numbered from `$first`.
    ///
    /// ```swift
    /// let (units, values) = PostgresStore.subtree(of: "520000/520200", from: 2)
    /// session.query("SELECT … WHERE sha256 = $1 AND org IN (SELECT code FROM org_unit WHERE \(units))",
    ///               [.text(sha256)] + values)
    /// ```
    static func subtree(of path: String, alias: String? = nil, from first: Int) -> (sql: String, values: [FieldValue]) {
        let column = alias.map { "\($0).path" } ?? "path"
        return (
            "(\(column) = $\(first) OR (\(column) > $\(first + 1) AND \(column) < $\(first + 2)))",
            [.text(path), .text(path + "/"), .text(path + "0")]
        )
    }

    /// `org IN (…)` for the records owned in the subtree at `path`, parameters from `$first`.
    static func ownedInSubtree(of path: String, from first: Int) -> (sql: String, values: [FieldValue]) {
        let (units, values) = subtree(of: path, from: first)
        return ("org IN (SELECT code FROM org_unit WHERE \(units))", values)
    }
}
