import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// The org a report is about and its subtree, loaded once: which direct child (the
/// drill-down unit) each org of the subtree belongs to, and the SQL that limits a query to
/// the subtree.
///
/// Reports aggregate in SQL by owning org (a few thousand rows at most) and then fold those
/// rows into the summary's buckets here, instead of running one query per child.
struct ReportScope {
    let root: OrgUnit
    /// Every org unit at and below `root`, in path order.
    let units: [OrgUnit]
    /// The direct children of `root`, in code order: the summary's rows.
    let children: [OrgUnit]
    /// True when the scope holds at least a twentieth of the org units (see `records`).
    let scansWholeTables: Bool
    /// Position of each unit in path order, to sort detail rows read in another order.
    let pathOrder: [String: Int]
    /// Chinese names of vocabulary keys (categories, roles, reserve kinds).
    let vocabulary: Vocabulary
    let dialect: SQLDialect
    private let unitByCode: [String: OrgUnit]
    private let bucketByCode: [String: Int]

    /// The levels that must each have a plan, two information officers and their own
    /// progress reports: the grass-roots units that enter records (DOMAIN.md).
    static let grassRootsLevels: Set<OrgUnit.Level> = [.township, .village, .enterprise]

    init(org: String, db: any SQLReader) throws {
        guard let root = try OrgUnit.find(org, in: db) else { throw ReportError.unknownOrg(org) }
        self.root = root
        dialect = db.dialect
        units = try OrgUnit.subtree(of: root, in: db)
        children = units.filter { $0.parent == root.code }.sorted { $0.code < $1.code }
        unitByCode = Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        pathOrder = Dictionary(units.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { first, _ in first })
        let allUnits: Int = try db.rows("SELECT count(*) FROM org_unit").first?[0] ?? 0
        scansWholeTables = units.count * 20 >= allUnits
        let childIndex = Dictionary(uniqueKeysWithValues: children.enumerated().map { ($1.code, $0) })
        let depth = root.path.split(separator: "/").count
        var buckets: [String: Int] = [:]
        for unit in units {
            let components = unit.path.split(separator: "/")
            // The root's own records go to the "本级" bucket, after the children.
            buckets[unit.code] =
                components.count > depth ? childIndex[String(components[depth])] ?? children.count : children.count
        }
        bucketByCode = buckets
        vocabulary = try Vocabulary.read(db)
    }

    /// The root as the report names it.
    var reportOrg: Report.Org { Report.Org(code: root.code, name: root.name, level: root.level.rawValue) }

    /// Buckets of the summary: one per child, then the root's own ("本级").
    var bucketCount: Int { children.count + 1 }
    var ownBucket: Int { children.count }

    /// The bucket of the org with `code`, nil when it is outside the subtree.
    func bucket(of code: String) -> Int? { bucketByCode[code] }

    func unit(_ code: String) -> OrgUnit? { unitByCode[code] }

    /// The units of the subtree that must have a plan, officers and reports, in path order.
    var grassRootsUnits: [OrgUnit] { units.filter { Self.grassRootsLevels.contains($0.level) } }

    /// The name of the org a detail row is about.
    func name(_ code: String) -> String { unitByCode[code]?.name ?? code }

    /// The arguments of `OrgUnit.subtreeFilter` for this scope's root.
    var sqlArguments: [FieldValue] { OrgUnit.subtreeValues(root.path) }

    /// Live records of `table` (alias `r`) that a report reads: the FROM and WHERE every
    /// report query starts with, with `recordArguments`. Callers keep only rows whose org is
    /// in the scope (`bucket(of:)`), because a wide scope reads the whole table.
    ///
    /// Why two forms: for a scope holding a large share of the org units (a province or city
    /// hub), one sequential scan of the table grouped by org is several times faster than
    /// joining `org_unit` and visiting the rows org by org through the org index (random page
    /// reads); for a county or a township the index visits only its own rows.
    func records(_ table: String) -> String {
        scansWholeTables
            ? "\(dialect.scanning("\(table) r")) WHERE r.deleted = 0"
            : "\(table) r WHERE r.deleted = 0 AND r.org IN \(OrgUnit.subtreeCodes)"
    }

    var recordArguments: [FieldValue] { scansWholeTables ? [] : sqlArguments }
}
