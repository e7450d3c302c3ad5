import TierSyncCore
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

    /// Balances of every (item, org, site) owned by `path`'s subtree, by org, item and site,
    /// read the same on either store.
    public static func fetchAll(_ reader: some SQLReader, underPath path: String) throws -> [StockBalance] {
        try reader.rows(
            """
            SELECT b.item, i.name, i.category, i.unit, i.reserve_kind, b.org, o.name, b.site, SUM(b.delta)
            FROM (\(movements)) b
            JOIN material_item i ON i.id = b.item
            JOIN org_unit o ON o.code = b.org
            WHERE \(OrgUnit.subtreeFilter("o"))
            GROUP BY b.item, i.name, i.category, i.unit, i.reserve_kind, b.org, o.name, o.path, b.site
            ORDER BY \(reader.dialect.bytewise("o.path")), \(reader.dialect.bytewise("i.name")), \(reader.dialect.bytewise("b.site"))
            """, OrgUnit.subtreeValues(path)
        ).map { row in
            StockBalance(
                item: row[0], itemName: row[1], category: row[2], unit: row[3], reserveKind: row[4], org: row[5],
                orgName: row[6], site: row[7], quantity: rounded(row[8]))
        }
    }

    /// The balance of one item at one org's site.
    public static func quantity(_ reader: some SQLReader, item: String, org: String, site: String) throws -> Double {
        let total: Double =
            try reader.rows(
                "SELECT COALESCE(SUM(m.delta), 0) FROM (\(movements)) m WHERE m.item = ? AND m.org = ? AND m.site = ?",
                [.text(item), .text(org), .text(site)]
            ).first?[0] ?? 0
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
