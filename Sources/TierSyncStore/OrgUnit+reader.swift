import TierSyncCore

/// Org units read through a `SQLReader`, the same on SQLite and on PostgreSQL (whose
/// `org_unit` has no `sample` column: units read this way are not marked as samples).
extension OrgUnit {
    /// The columns `init(row:)` reads, of `org_unit` aliased `o`.
    static let readerColumns = "o.code, o.parent, o.name, o.level, o.path"

    /// The unit in a row of `readerColumns`; nil when its level is not one this release knows.
    init?(row: SQLRow) {
        guard let level = Level(rawValue: row[3]) else { return nil }
        self.init(code: row[0], parent: row[1], name: row[2], level: level, path: row[4], sample: false)
    }

    /// The unit with `code`, if the store has it.
    public static func find(_ code: String, in reader: any SQLReader) throws -> OrgUnit? {
        try reader.rows("SELECT \(readerColumns) FROM org_unit o WHERE o.code = ?", [.text(code)]).first
            .flatMap(OrgUnit.init(row:))
    }

    /// `root` and every unit below it, in path order.
    public static func subtree(of root: OrgUnit, in reader: any SQLReader) throws -> [OrgUnit] {
        try reader.rows(
            """
            SELECT \(readerColumns) FROM org_unit o WHERE \(subtreeFilter("o"))
            ORDER BY \(reader.dialect.bytewise("o.path"))
            """, subtreeValues(root.path)
        ).compactMap(OrgUnit.init(row:))
    }

    /// The arguments of `subtreeFilter` (and `subtreeCodes`) for the subtree at `path`.
    public static func subtreeValues(_ path: String) -> [FieldValue] {
        [.text(path), .text(path + "/"), .text(path + "0")]
    }
}
