import Foundation
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
    let db: any SQLReader

    struct Counts: SummaryCounts {
        var sites = Set<Holding>(), items = Set<ItemKey>(), issuedItems = Set<ItemKey>()
        var byReserveKind: [String: Set<ItemKey>] = [:]
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
        /// The four joined, made once: keys are hashed and compared by its bytes (see
        /// `Holding`), tens of thousands of times per report.
        let id: String

        init(category: String, reserveKind: String, name: String, unit: String) {
            (self.category, self.reserveKind, self.name, self.unit) = (category, reserveKind, name, unit)
            id = [category, reserveKind, name, unit].joined(separator: "\u{1F}")
        }

        func hash(into hasher: inout Hasher) {
            var id = id
            id.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }

        static func == (a: Self, b: Self) -> Bool { sameBytes(a.id, b.id) }

        static func < (a: Self, b: Self) -> Bool {
            (a.category, a.reserveKind, a.name, a.unit) < (b.category, b.reserveKind, b.name, b.unit)
        }
    }

    struct Figures { var held = 0.0, issued = 0.0, writtenOff = 0.0 }

    /// One (org, site, item) holding.
    struct Holding: Hashable {
        let org: String, site: String, item: String

        // By UTF-8 bytes: String's own hashing normalizes Unicode first, which for Chinese
        // site names cost more than the rest of folding a province's events. Values read
        // from the database are compared as stored, so bytes are the right equality here.
        func hash(into hasher: inout Hasher) {
            for var part in [org, site, item] {
                part.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
                hasher.combine(0 as UInt8)
            }
        }

        static func == (a: Holding, b: Holding) -> Bool {
            sameBytes(a.org, b.org) && sameBytes(a.item, b.item) && sameBytes(a.site, b.site)
        }
    }

    func make() throws -> Report {
        let asOf = options.asOf.description
        var held: [Holding: Double] = [:]
        var used: [Holding: Figures] = [:]  // site empty: used is per org and item
        // One sequential scan, grouped; a transfer's receiving side is folded here, by the rule
        // of `StockBalance.movements`, so no second pass over the events is needed.
        // A wide scope scans the table once; a narrow one reads its own events and those
        // transferred into it through the org and to_org indexes.
        let subtree = OrgUnit.subtreeCodes
        try db.forEachRow(
            """
            SELECT org, site, item, kind, to_org, to_site, sum(delta), sum(CASE WHEN delta < 0 THEN delta ELSE 0 END)
            FROM \(scope.scansWholeTables ? db.dialect.scanning("stock_event") : "stock_event")
            WHERE deleted = 0 AND occurred_on <= ?
            \(scope.scansWholeTables ? "" : "AND (org IN \(subtree) OR to_org IN \(subtree))")
            GROUP BY org, site, item, kind, to_org, to_site
            """,
            scope.scansWholeTables ? [.text(asOf)] : [.text(asOf)] + scope.sqlArguments + scope.sqlArguments
        ) { row in
            let (org, item, kind): (String, String, String) = (row[0], row[2] ?? "", row[3] ?? "")
            let (sum, negative): (Double, Double) = (row[6] ?? 0, row[7] ?? 0)
            held[Holding(org: org, site: row[1] ?? "", item: item), default: 0] += sum
            if let toOrg: String = row[4], let toSite: String = row[5] {
                held[Holding(org: toOrg, site: toSite, item: item), default: 0] -= sum
            }
            switch kind {
            case "issue": used[Holding(org: org, site: "", item: item), default: Figures()].issued -= sum
            case "count": used[Holding(org: org, site: "", item: item), default: Figures()].writtenOff -= negative
            case "write-off": used[Holding(org: org, site: "", item: item), default: Figures()].writtenOff -= sum
            default: break
            }
        }
        try subtractReversals(asOf: asOf, from: &used)
        let items = try itemInfo(Set(held.keys.map(\.item)).union(used.keys.map(\.item)))

        var counts = Array(repeating: Counts(), count: scope.bucketCount)
        var byBucket: [Int: [ItemKey: Figures]] = [:]
        var total: [ItemKey: Figures] = [:]
        var details: [(order: Int, holding: Holding, key: ItemKey, quantity: Double, custodian: String)] = []
        for (holding, sum) in held {
            let quantity = StockBalance.rounded(sum)
            guard quantity != 0, let bucket = scope.bucket(of: holding.org), let info = items[holding.item] else {
                continue
            }
            let key = info.key
            byBucket[bucket, default: [:]][key, default: Figures()].held += quantity
            total[key, default: Figures()].held += quantity
            counts[bucket].sites.insert(Holding(org: holding.org, site: holding.site, item: ""))
            counts[bucket].items.insert(key)
            counts[bucket].byReserveKind[key.reserveKind, default: []].insert(key)
            details.append((scope.pathOrder[holding.org] ?? 0, holding, key, quantity, info.custodian))
        }
        for (holding, figures) in used {
            guard let bucket = scope.bucket(of: holding.org), let key = items[holding.item]?.key else { continue }
            let (issued, writtenOff) = (StockBalance.rounded(figures.issued), StockBalance.rounded(figures.writtenOff))
            guard issued != 0 || writtenOff != 0 else { continue }
            byBucket[bucket, default: [:]][key, default: Figures()].issued += issued
            byBucket[bucket, default: [:]][key, default: Figures()].writtenOff += writtenOff
            total[key, default: Figures()].issued += issued
            total[key, default: Figures()].writtenOff += writtenOff
            if issued > 0 { counts[bucket].issuedItems.insert(key) }
        }
        // The item id last: two items may share a name, and the order must not depend on the
        // dictionary's (a report is the same every time it is made).
        details.sort { a, b in
            if a.order != b.order { return a.order < b.order }
            if !sameBytes(a.holding.site, b.holding.site) { return a.holding.site < b.holding.site }
            if !sameBytes(a.key.name, b.key.name) { return a.key.name < b.key.name }
            return a.holding.item < b.holding.item
        }
        // Cells only for the rows the detail table keeps: a province holds tens of thousands.
        let detailRows = details.prefix(options.detailLimit ?? details.count).map { d in
            ReportTable.Row(
                org: d.holding.org,
                [
                    .text(d.holding.org), .text(scope.name(d.holding.org)), .text(d.holding.site), .text(d.key.name),
                    .text(categoryName(d.key)), .text(reserveName(d.key)), .number(d.quantity), .text(d.key.unit),
                    .text(d.custodian),
                ])
        }

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
                ReportTable(
                    key: "sites", title: "储备明细（按储存点）",
                    columns: [
                        .text("org", "代码"), .text("name", "单位"), .text("site", "储存点"), .text("item", "物资"),
                        .text("category", "物资类别"), .text("reserveKind", "储备方式"), .number("held", "结存"),
                        .text("unit", "单位"), .text("custodian", "保管人"),
                    ],
                    rows: detailRows, totalRows: details.count),
            ])
    }

    /// Undoes reversed issues and write-offs: a reversal counts as the kind of the event it
    /// reverses, with the opposite sign. Reversals are few; each finds its original by id.
    func subtractReversals(asOf: String, from used: inout [Holding: Figures]) throws {
        try db.forEachRow(
            """
            SELECT e.org, e.item, v.kind, sum(e.delta), sum(CASE WHEN v.delta < 0 THEN e.delta ELSE 0 END)
            FROM \(db.dialect.scanning("stock_event e")) JOIN stock_event v ON v.id = e.reverses
            WHERE e.deleted = 0 AND e.kind = 'reversal' AND e.occurred_on <= ?
            GROUP BY e.org, e.item, v.kind
            """, [.text(asOf)]
        ) { row in
            let holding = Holding(org: row[0], site: "", item: row[1] ?? "")
            let (sum, ofNegative): (Double, Double) = (row[3] ?? 0, row[4] ?? 0)
            switch row[2] as String? {
            case "issue": used[holding, default: Figures()].issued -= sum
            case "count": used[holding, default: Figures()].writtenOff -= ofNegative
            case "write-off": used[holding, default: Figures()].writtenOff -= sum
            default: break
            }
        }
    }

    /// Name, category, reserve kind, unit and custodian of the items with `ids`, in one query.
    func itemInfo(_ ids: Set<String>) throws -> [String: (key: ItemKey, custodian: String)] {
        var result: [String: (key: ItemKey, custodian: String)] = [:]
        try db.forEachRow(
            """
            SELECT id, name, category, reserve_kind, unit, custodian FROM material_item
            WHERE id IN \(db.dialect.jsonTextList)
            """, [SQLDialect.jsonList(ids)]
        ) { row in
            let key = ItemKey(category: row[2] ?? "", reserveKind: row[3] ?? "", name: row[1] ?? "", unit: row[4] ?? "")
            result[row[0]] = (key, row[5] ?? "")
        }
        return result
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

/// True when two strings hold the same UTF-8 bytes: equality of values read from the
/// database as stored, without the Unicode normalization `==` may do.
func sameBytes(_ a: String, _ b: String) -> Bool {
    var (a, b) = (a, b)
    return a.withUTF8 { x in
        b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
    }
}
