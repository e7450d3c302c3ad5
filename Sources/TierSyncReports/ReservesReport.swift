import GRDB
import TierSyncDomain
import TierSyncStore

/// Material reserves: balances by material category, reserve kind and org, and what was
/// issued or written off.
///
/// Rules: a balance is derived from the live stock events exactly as `tiersync stock
/// balance` derives it (`StockBalance.movements`: each event's delta at its org and site, a
/// transfer's opposite delta at the receiving org and site, reversals as their own events),
/// counting events that occurred on or before the as-of date. Items are grouped across orgs
/// by category, reserve kind, name and unit (quantities of different units are never added).
/// Issued is the quantity of `issue` events, written off that of stocktakes that found less
/// (and of `write-off` events), each net of their reversals.
struct ReservesReport {
    let scope: ReportScope
    let options: ReportOptions
    let db: Database

    struct Counts: SummaryCounts {
        var sites = Set<String>(), items = Set<String>(), issuedItems = Set<String>()
        var byReserveKind: [String: Set<String>] = [:]
        mutating func add(_ o: Counts) {
            sites.formUnion(o.sites)
            items.formUnion(o.items)
            issuedItems.formUnion(o.issuedItems)
            byReserveKind.merge(o.byReserveKind) { $0.union($1) }
        }
    }

    /// An item as grouped across orgs.
    struct ItemKey: Hashable, Comparable {
        let category: String, reserveKind: String, name: String, unit: String
        static func < (a: Self, b: Self) -> Bool {
            (a.category, a.reserveKind, a.name, a.unit) < (b.category, b.reserveKind, b.name, b.unit)
        }
        var id: String { [category, reserveKind, name, unit].joined(separator: "\u{1F}") }
    }

    struct Figures { var held = 0.0, issued = 0.0, writtenOff = 0.0 }

    func make() throws -> Report {
        let asOf = options.asOf.description
        var counts = Array(repeating: Counts(), count: scope.bucketCount)
        var byBucket: [Int: [ItemKey: Figures]] = [:]
        var total: [ItemKey: Figures] = [:]
        var details: [ReportTable.Row] = []
        let balances = try Row.fetchCursor(
            db,
            sql: """
                SELECT b.org, b.site, i.name, i.category, i.reserve_kind, i.unit, i.custodian, sum(b.delta)
                FROM (\(StockBalance.movements)) b
                JOIN material_item i ON i.id = b.item JOIN org_unit o ON o.code = b.org
                WHERE \(ReportScope.filter("o")) AND b.occurred_on <= ?
                GROUP BY b.org, b.site, b.item ORDER BY o.path, b.site, i.name
                """,
            arguments: scope.sqlArguments + [asOf])
        while let row = try balances.next() {
            let (org, site): (String, String) = (row[0], row[1] ?? "")
            let quantity = StockBalance.rounded(row[7] ?? 0)
            guard quantity != 0, let bucket = scope.bucket(of: org) else { continue }
            let key = ItemKey(category: row[3] ?? "", reserveKind: row[4] ?? "", name: row[2] ?? "", unit: row[5] ?? "")
            byBucket[bucket, default: [:]][key, default: Figures()].held += quantity
            total[key, default: Figures()].held += quantity
            counts[bucket].sites.insert(org + "\u{1F}" + site)
            counts[bucket].items.insert(key.id)
            counts[bucket].byReserveKind[key.reserveKind, default: []].insert(key.id)
            details.append(
                .init(
                    org: org,
                    [
                        .text(org), .text(scope.name(org)), .text(site), .text(key.name), .text(categoryName(key)),
                        .text(reserveName(key)), .number(quantity), .text(key.unit), .text(row[6] ?? ""),
                    ]))
        }
        try addUse(asOf: asOf, counts: &counts, byBucket: &byBucket, total: &total)

        let kinds = scope.vocabulary.terms(of: "reserve-kind")
        let summary = scope.summaryTable(
            title: "物资储备汇总",
            columns: [.number("sites", "储存点"), .number("items", "在库物资品种")]
                + kinds.map { .number("items-\($0.key)", "\($0.name)品种") } + [.number("issuedItems", "有发放的品种")],
            counts: counts
        ) { c in
            [.int(c.sites.count), .int(c.items.count)] + kinds.map { .int(c.byReserveKind[$0.key]?.count ?? 0) }
                + [.int(c.issuedItems.count)]
        }
        let figureColumns: [ReportTable.Column] = [
            .text("category", "物资类别"), .text("reserveKind", "储备方式"), .text("item", "物资"), .text("unit", "单位"),
            .number("held", "结存"), .number("issued", "已发放"), .number("writtenOff", "盘亏核销"),
        ]
        var byOrg: [ReportTable.Row] = []
        for bucket in 0..<scope.bucketCount {
            let org = bucket == scope.ownBucket ? scope.root : scope.children[bucket]
            let name = bucket == scope.ownBucket ? "本级（\(org.name)）" : org.name
            for (key, figures) in (byBucket[bucket] ?? [:]).sorted(by: { $0.key < $1.key }) {
                byOrg.append(.init(org: org.code, [.text(org.code), .text(name)] + cells(key, figures)))
            }
        }
        return Report(
            kind: .reserves, org: scope.reportOrg, asOf: options.asOf,
            notes: ["结存：截至 \(asOf) 的出入库记录（调拨计入调入单位，冲销抵消原记录）", "已发放、盘亏核销：截至同日的累计数量，已扣除冲销"],
            tables: [
                summary,
                ReportTable(
                    key: "by-org", title: "各单位物资结存（按类别和储备方式）",
                    columns: [.text("org", "代码"), .text("name", "单位")] + figureColumns, rows: byOrg),
                ReportTable(
                    key: "by-category", title: "全辖物资结存合计", columns: figureColumns,
                    rows: total.sorted { $0.key < $1.key }.map { .init(org: nil, cells($0.key, $0.value)) }),
                scope.detailTable(
                    key: "sites", title: "储备明细（按储存点）",
                    columns: [
                        .text("org", "代码"), .text("name", "单位"), .text("site", "储存点"), .text("item", "物资"),
                        .text("category", "物资类别"), .text("reserveKind", "储备方式"), .number("held", "结存"),
                        .text("unit", "单位"), .text("custodian", "保管人"),
                    ],
                    rows: details, limit: options.detailLimit),
            ])
    }

    /// Adds what was issued and written off, net of reversals: a reversal counts as the kind
    /// of the event it reverses, with the opposite sign.
    func addUse(
        asOf: String, counts: inout [Counts], byBucket: inout [Int: [ItemKey: Figures]], total: inout [ItemKey: Figures]
    ) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT e.org, i.name, i.category, i.reserve_kind, i.unit,
                       sum(CASE WHEN coalesce(v.kind, e.kind) = 'issue' THEN -e.delta ELSE 0 END),
                       sum(CASE WHEN coalesce(v.kind, e.kind) = 'write-off'
                                  OR (coalesce(v.kind, e.kind) = 'count' AND coalesce(v.delta, e.delta) < 0)
                                THEN -e.delta ELSE 0 END)
                FROM stock_event e
                LEFT JOIN stock_event v ON e.kind = 'reversal' AND v.id = e.reverses
                JOIN material_item i ON i.id = e.item JOIN org_unit o ON o.code = e.org
                WHERE e.deleted = 0 AND e.kind IN ('issue', 'count', 'write-off', 'reversal')
                  AND \(ReportScope.filter("o")) AND e.occurred_on <= ?
                GROUP BY e.org, e.item
                """,
            arguments: scope.sqlArguments + [asOf])
        while let row = try rows.next() {
            let (issued, writtenOff) = (StockBalance.rounded(row[5] ?? 0), StockBalance.rounded(row[6] ?? 0))
            guard issued != 0 || writtenOff != 0, let bucket = scope.bucket(of: row[0]) else { continue }
            let key = ItemKey(category: row[2] ?? "", reserveKind: row[3] ?? "", name: row[1] ?? "", unit: row[4] ?? "")
            byBucket[bucket, default: [:]][key, default: Figures()].issued += issued
            byBucket[bucket, default: [:]][key, default: Figures()].writtenOff += writtenOff
            total[key, default: Figures()].issued += issued
            total[key, default: Figures()].writtenOff += writtenOff
            if issued > 0 { counts[bucket].issuedItems.insert(key.id) }
        }
    }

    func cells(_ key: ItemKey, _ figures: Figures) -> [ReportTable.Value] {
        [
            .text(categoryName(key)), .text(reserveName(key)), .text(key.name), .text(key.unit),
            .number(StockBalance.rounded(figures.held)), .number(StockBalance.rounded(figures.issued)),
            .number(StockBalance.rounded(figures.writtenOff)),
        ]
    }

    func categoryName(_ key: ItemKey) -> String { scope.vocabulary.name(of: key.category, kind: "material-category") }
    func reserveName(_ key: ItemKey) -> String { scope.vocabulary.name(of: key.reserveKind, kind: "reserve-kind") }
}
