import TierSyncCore
import TierSyncStore

/// Contacts: units with fewer than two information officers, hazards without a field
/// commander, and contacts not confirmed for longer than `staleAfterDays`.
///
/// Rules:
/// - every township, village and enterprise needs at least two live information officers
///   (role `information-officer`) of its own;
/// - commanders are kept per hazard and per level, so a hazard needs a commander at each unit
///   (of any level) that owns a live plan of that category; a live `commander` contact of the
///   unit with that hazard, or with no hazard (the unit's general commander), covers it;
/// - a contact is stale when `last_confirmed` is empty or more than `staleAfterDays` days
///   before the as-of date.
struct ContactsReport {
    let scope: ReportScope
    let options: ReportOptions
    let db: any SQLReader

    struct Counts: SummaryCounts {
        var required = 0, short = 0, hazards = 0, uncovered = 0, contacts = 0, stale = 0
        mutating func add(_ o: Counts) {
            (required, short, hazards) = (required + o.required, short + o.short, hazards + o.hazards)
            (uncovered, contacts, stale) = (uncovered + o.uncovered, contacts + o.contacts, stale + o.stale)
        }
    }

    func make() throws -> Report {
        let staleBefore = options.staleBefore.description
        var officers: [String: Int] = [:]
        var contacts: [String: (all: Int, stale: Int)] = [:]
        try db.forEachRow(
            """
            SELECT r.org, count(*) FILTER (WHERE r.role = 'information-officer'), count(*),
                   count(*) FILTER (WHERE r.last_confirmed IS NULL OR r.last_confirmed < ?)
            FROM \(scope.records("contact")) GROUP BY r.org
            """, [.text(staleBefore)] + scope.recordArguments
        ) { row in
            officers[row[0]] = row[1]
            contacts[row[0]] = (row[2], row[3])
        }
        let hazards = try pairs("SELECT r.org, r.category FROM \(scope.records("plan")) AND r.category IS NOT NULL")
        let commanders = try pairs(
            "SELECT r.org, coalesce(r.hazard, '') FROM \(scope.records("contact")) AND r.role = 'commander'")

        var counts = Array(repeating: Counts(), count: scope.bucketCount)
        var short: [ReportTable.Row] = []
        var uncovered: [ReportTable.Row] = []
        for unit in scope.units {
            guard let bucket = scope.bucket(of: unit.code) else { continue }
            let required = ReportScope.grassRootsLevels.contains(unit.level)
            let officerCount = officers[unit.code] ?? 0
            let unitHazards = hazards[unit.code] ?? []
            let unitCommanders = commanders[unit.code] ?? []
            let missing = unitCommanders.contains("") ? [] : unitHazards.subtracting(unitCommanders)
            let (all, stale) = contacts[unit.code] ?? (0, 0)
            counts[bucket].add(
                Counts(
                    required: required ? 1 : 0, short: required && officerCount < 2 ? 1 : 0,
                    hazards: unitHazards.count, uncovered: missing.count, contacts: all, stale: stale))
            if required && officerCount < 2 {
                short.append(
                    .init(
                        org: unit.code,
                        [.text(unit.code), .text(unit.name), .text(LevelName.of(unit.level)), .int(officerCount)]))
            }
            for hazard in inCategoryOrder(missing) {
                uncovered.append(
                    .init(
                        org: unit.code,
                        [
                            .text(unit.code), .text(unit.name), .text(LevelName.of(unit.level)),
                            .text(scope.vocabulary.name(of: hazard, kind: "plan-category")),
                        ]))
            }
        }

        let summary = scope.summaryTable(
            title: "联络人员汇总",
            columns: [
                .number("required", "应配信息员单位"), .number("officersShort", "信息员不足两名单位"),
                .number("hazards", "需指挥官灾种"), .number("hazardsWithoutCommander", "无指挥官灾种"),
                .number("contacts", "联系人"), .number("stale", "超期未确认"),
            ],
            counts: counts
        ) { c in [.int(c.required), .int(c.short), .int(c.hazards), .int(c.uncovered), .int(c.contacts), .int(c.stale)]
        }
        let unitColumns: [ReportTable.Column] = [.text("org", "代码"), .text("name", "单位"), .text("level", "层级")]
        return Report(
            kind: .contacts, org: scope.reportOrg, asOf: options.asOf,
            notes: [
                "信息员：每个乡镇（街道）、村（社区）和企业至少两名",
                "需指挥官灾种：单位预案所涉灾种，每个灾种须有本单位现场指挥官",
                "超期未确认：最后确认日期早于 \(staleBefore)（超过 \(options.staleAfterDays) 天）或从未确认",
            ],
            tables: [
                summary,
                scope.detailTable(
                    key: "officers-short", title: "信息员不足两名的单位",
                    columns: unitColumns + [.number("officers", "信息员数")], rows: short, limit: options.detailLimit),
                scope.detailTable(
                    key: "hazards-without-commander", title: "无现场指挥官的灾种",
                    columns: unitColumns + [.text("hazard", "灾种")], rows: uncovered, limit: options.detailLimit),
                try staleContacts(
                    before: staleBefore, total: counts.reduce(0) { $0 + $1.stale },
                    staleByUnit: contacts.mapValues { $0.stale }),
            ])
    }

    /// (org, value) pairs of a query, grouped into a set per org.
    func pairs(_ sql: String) throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        try db.forEachRow(sql + " GROUP BY 1, 2", scope.recordArguments) { row in
            result[row[0], default: []].insert(row[1])
        }
        return result
    }

    /// Hazards in the vocabulary's order of plan categories (unknown keys last, by key).
    func inCategoryOrder(_ hazards: some Sequence<String>) -> [String] {
        let position = Dictionary(
            uniqueKeysWithValues: scope.vocabulary.terms(of: "plan-category").enumerated().map { ($1.key, $0) })
        return hazards.sorted { (position[$0] ?? .max, $0) < (position[$1] ?? .max, $1) }
    }

    /// The stale contacts themselves, in path order of their unit, oldest confirmation first.
    /// Only the units needed to fill the detail limit are read (their stale counts are known
    /// from the aggregate), through the org index.
    func staleContacts(before: String, total: Int, staleByUnit: [String: Int]) throws -> ReportTable {
        var orgs: [String] = []
        var wanted = 0
        for unit in scope.units where (staleByUnit[unit.code] ?? 0) > 0 {
            if let limit = options.detailLimit, wanted >= limit { break }
            orgs.append(unit.code)
            wanted += staleByUnit[unit.code] ?? 0
        }
        var rows = try db.rows(
            """
            SELECT r.org, r.name, r.role, r.post, r.last_confirmed, r.id FROM contact r
            WHERE r.deleted = 0 AND r.org IN \(db.dialect.jsonTextList)
              AND (r.last_confirmed IS NULL OR r.last_confirmed < ?)
            """, [SQLDialect.jsonList(orgs), .text(before)])
        rows.sort { a, b in
            let (orderA, orderB) = (scope.pathOrder[a[0]] ?? 0, scope.pathOrder[b[0]] ?? 0)
            let (confirmedA, confirmedB): (String?, String?) = (a[4], b[4])
            // The id last: rows alike otherwise come in the same order from either store.
            return (orderA, confirmedA ?? "", a[1] as String, a[5] as String)
                < (orderB, confirmedB ?? "", b[1] as String, b[5] as String)
        }
        if let limit = options.detailLimit { rows = Array(rows.prefix(limit)) }
        let asOf = options.asOf.daysSinceEpoch
        return ReportTable(
            key: "stale-contacts", title: "超期未确认的联系人",
            columns: [
                .text("org", "代码"), .text("unit", "单位"), .text("name", "姓名"), .text("role", "角色"),
                .text("post", "职务"), .text("lastConfirmed", "最后确认"), .number("days", "未确认天数"),
            ],
            rows: rows.map { row in
                let org: String = row[0]
                let confirmed: String? = row[4]
                let days = confirmed.flatMap { CivilDate(parsing: $0) }.map {
                    ReportTable.Value.int(asOf - $0.daysSinceEpoch)
                }
                return .init(
                    org: org,
                    [
                        .text(org), .text(scope.name(org)), .text(row[1] ?? ""),
                        .text(scope.vocabulary.name(of: row[2] ?? "", kind: "contact-role")), .text(row[3] ?? ""),
                        .text(confirmed ?? "从未确认"), days ?? .empty,
                    ])
            },
            totalRows: total)
    }
}
