import GRDB

/// An org unit of the hierarchy (province, city, county, township...): one row of `org_unit`.
public struct OrgUnit: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "org_unit"

    public enum Level: String, Codable, Sendable, CaseIterable {
        case province, city, county, township, village, enterprise
    }

    public var code: String
    public var parent: String?
    public var name: String
    public var level: Level
    /// Codes from the root to this unit, joined by `/`: the unit's scope.
    public var path: String
    /// True for sample data (illustrative codes), as marked in seeds/.
    public var sample: Bool

    public init(code: String, parent: String?, name: String, level: Level, path: String, sample: Bool) {
        self.code = code
        self.parent = parent
        self.name = name
        self.level = level
        self.path = path
        self.sample = sample
    }

    /// True when `other` is this unit or below it.
    public func contains(_ other: OrgUnit) -> Bool { Self.path(other.path, isWithin: path) }

    /// True when the unit at `path` is the unit at `root` or below it.
    public static func path(_ path: String, isWithin root: String) -> Bool {
        path == root || path.hasPrefix(root + "/")
    }

    /// The unit with `code` and everything below it, in path order.
    public static func subtree(of code: String, in db: Database) throws -> [OrgUnit] {
        guard let root = try OrgUnit.fetchOne(db, key: code) else { return [] }
        return try OrgUnit.fetchAll(
            db, sql: "SELECT * FROM org_unit o WHERE \(subtreeFilter("o")) ORDER BY path",
            arguments: subtreeArguments(root.path))
    }

    /// SQL true when org unit `alias` is the subtree's root or below it, with
    /// `subtreeArguments`. The range form (every path below sorts after "root/" and before
    /// "root0", since '0' follows '/') lets SQLite use the index on `path`, which `LIKE` would
    /// not.
    ///
    /// ```swift
    /// "SELECT code FROM org_unit o WHERE \(OrgUnit.subtreeFilter("o"))"   // with subtreeArguments(path)
    /// ```
    public static func subtreeFilter(_ alias: String) -> String {
        "(\(alias).path = ? OR (\(alias).path > ? AND \(alias).path < ?))"
    }

    /// The arguments of `subtreeFilter` for the subtree at `path`.
    public static func subtreeArguments(_ path: String) -> StatementArguments {
        StatementArguments(subtreeValues(path))
    }

    /// `(SELECT code …)`: the codes of the subtree's units, with `subtreeArguments`.
    public static let subtreeCodes = "(SELECT o.code FROM org_unit o WHERE \(subtreeFilter("o")))"
}
