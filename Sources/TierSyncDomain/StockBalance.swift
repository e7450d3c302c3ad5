import GRDB
import TierSyncStore

/// How much of one material item one site of one org holds, derived from stock events.
public struct StockBalance: Sendable, Hashable, Codable {
    public let item: String
    public let itemName: String
    public let category: String
    public let unit: String
    public let reserveKind: String
    public let org: String
    public let orgName: String
    public let site: String
    public let quantity: Double

    /// Balances of every (item, org, site) owned by `path`'s subtree, by org, item and site.
    static func fetchAll(_ db: Database, underPath path: String) throws -> [StockBalance] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT b.item, i.name, i.category, i.unit, i.reserve_kind, b.org, o.name AS org_name, b.site,
                       SUM(b.delta) AS quantity
                FROM (\(movements)) b
                JOIN material_item i ON i.id = b.item
                JOIN org_unit o ON o.code = b.org
                WHERE \(OrgUnit.subtreeFilter("o"))
                GROUP BY b.item, b.org, b.site
                ORDER BY o.path, i.name, b.site
                """,
            arguments: OrgUnit.subtreeArguments(path))
        return rows.map { row in
            StockBalance(
                item: row["item"], itemName: row["name"] ?? "", category: row["category"] ?? "",
                unit: row["unit"] ?? "", reserveKind: row["reserve_kind"] ?? "", org: row["org"],
                orgName: row["org_name"], site: row["site"], quantity: rounded(row["quantity"]))
        }
    }

    /// The balance of one item at one org's site.
    static func quantity(_ db: Database, item: String, org: String, site: String) throws -> Double {
        let total =
            try Double.fetchOne(
                db,
                sql: "SELECT COALESCE(SUM(delta), 0) FROM (\(movements)) WHERE item = ? AND org = ? AND site = ?",
                arguments: [item, org, site]) ?? 0
        return rounded(total)
    }

    /// Every movement as (item, org, site, delta): an event's own delta at its site, and for
    /// a transfer (or its reversal) the opposite delta at the receiving site. The reserves
    /// rollup (TierSyncReports `ReservesReport`) folds grouped events by this same rule.
    static let movements = """
        SELECT item, org, site, delta FROM stock_event WHERE deleted = 0
        UNION ALL
        SELECT item, to_org, to_site, -delta FROM stock_event WHERE deleted = 0 AND to_site IS NOT NULL
        """

    /// Sums of decimal quantities carry binary noise; balances are shown to 6 places.
    public static func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
}
