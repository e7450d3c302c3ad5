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
    public func contains(_ other: OrgUnit) -> Bool {
        other.path == path || other.path.hasPrefix(path + "/")
    }

    /// The unit with `code` and everything below it, in path order.
    public static func subtree(of code: String, in db: Database) throws -> [OrgUnit] {
        guard let root = try OrgUnit.fetchOne(db, key: code) else { return [] }
        return try OrgUnit.fetchAll(
            db, sql: "SELECT * FROM org_unit WHERE path = ? OR path LIKE ? ORDER BY path",
            arguments: [root.path, root.path + "/%"])
    }
}
