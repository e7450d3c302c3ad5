import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Plan coverage: which townships, villages and enterprises have no plan, or an unfiled or
/// overdue one, and which special-plan categories each county's subtree covers.
///
/// Rules: every township, village and enterprise unit must have at least one live plan; a
/// plan is unfiled without a filing record (`filed_with` and `filed_on`); overdue when its
/// `revision_deadline` is before the as-of date. A filed plan's state is pending until the
/// org it is filed with records a verdict (returned or accepted); each plan's state is listed.
/// `approved` counts plans an upper level approved (locked). A county covers a special-plan category when
/// a live plan of level `special` with that category is owned in its subtree.
struct CoverageReport {
    let scope: ReportScope
    let options: ReportOptions
    let db: any SQLReader

    struct Counts: SummaryCounts {
        var required = 0, covered = 0, plans = 0, unfiled = 0, overdue = 0
        var filing = UnitPlans()
        mutating func add(_ other: Counts) {
            (required, covered, plans) = (required + other.required, covered + other.covered, plans + other.plans)
            (unfiled, overdue) = (unfiled + other.unfiled, overdue + other.overdue)
            filing.add(other.filing)
        }
    }

    /// One unit's plans, from the aggregate query.
    struct UnitPlans: Equatable {
        var plans = 0, unfiled = 0, overdue = 0, pending = 0, returned = 0, accepted = 0, approved = 0
        mutating func add(_ o: UnitPlans) {
            (plans, unfiled, overdue) = (plans + o.plans, unfiled + o.unfiled, overdue + o.overdue)
            (pending, returned, accepted, approved) = (
                pending + o.pending, returned + o.returned, accepted + o.accepted, approved + o.approved
            )
        }
    }

    func make() throws -> Report {
        var plansByUnit: [String: UnitPlans] = [:]
        try db.forEachRow(
            """
            SELECT r.org, count(*) AS plans,
                   count(*) FILTER (WHERE r.filed_with IS NULL OR r.filed_on IS NULL) AS unfiled,
                   count(*) FILTER (WHERE r.revision_deadline IS NOT NULL AND r.revision_deadline < ?) AS overdue,
                   count(*) FILTER (
                       WHERE r.filed_with IS NOT NULL AND coalesce(r.filing_verdict, 'pending') = 'pending') AS pending,
                   count(*) FILTER (WHERE r.filed_with IS NOT NULL AND r.filing_verdict = 'returned') AS returned,
                   count(*) FILTER (
                       WHERE r.filed_with IS NOT NULL AND r.filing_verdict IN ('accepted', 'approved')) AS accepted,
                   count(r.approved_by) AS approved
            FROM \(scope.records("plan")) GROUP BY r.org
            """, [.text(options.asOf.description)] + scope.recordArguments
        ) { row in
            plansByUnit[row[0]] = UnitPlans(
                plans: row[1], unfiled: row[2], overdue: row[3], pending: row[4], returned: row[5], accepted: row[6],
                approved: row[7])
        }

        var counts = Array(repeating: Counts(), count: scope.bucketCount)
        var problems: [ReportTable.Row] = []
        for unit in scope.units {
            guard let bucket = scope.bucket(of: unit.code) else { continue }
            let plans = plansByUnit[unit.code] ?? UnitPlans()
            let required = ReportScope.grassRootsLevels.contains(unit.level)
            counts[bucket].add(
                Counts(
                    required: required ? 1 : 0, covered: required && plans.plans > 0 ? 1 : 0, plans: plans.plans,
                    unfiled: plans.unfiled, overdue: plans.overdue, filing: plans))
            var issues: [String] = []
            if required && plans.plans == 0 { issues.append("无预案") }
            if plans.unfiled > 0 { issues.append("未备案\(plans.unfiled)件") }
            if plans.overdue > 0 { issues.append("逾期未修订\(plans.overdue)件") }
            guard !issues.isEmpty else { continue }
            problems.append(
                .init(
                    org: unit.code,
                    [
                        .text(unit.code), .text(unit.name), .text(LevelName.of(unit.level)), .int(plans.plans),
                        .int(plans.unfiled), .int(plans.overdue), .text(issues.joined(separator: "；")),
                    ]))
        }

        let summary = scope.summaryTable(
            title: "预案覆盖汇总",
            columns: [
                .number("required", "应有预案单位"), .number("covered", "已有预案单位"), .number("coverage", "覆盖率(%)"),
                .number("missing", "无预案单位"), .number("plans", "预案数"), .number("unfiled", "未备案预案"),
                .number("overdue", "逾期未修订预案"), .number("pending", "备案待审查"), .number("returned", "备案退回"),
                .number("accepted", "备案审查通过"), .number("approved", "上级已审核"),
            ],
            counts: counts
        ) { c in
            [
                .int(c.required), .int(c.covered), percent(c.covered, of: c.required), .int(c.required - c.covered),
                .int(c.plans), .int(c.unfiled), .int(c.overdue), .int(c.filing.pending), .int(c.filing.returned),
                .int(c.filing.accepted), .int(c.filing.approved),
            ]
        }
        let detail = scope.detailTable(
            key: "units-with-problems", title: "无预案、未备案或逾期未修订的单位",
            columns: [
                .text("org", "代码"), .text("name", "单位"), .text("level", "层级"), .number("plans", "预案数"),
                .number("unfiled", "未备案"), .number("overdue", "逾期未修订"), .text("problems", "问题"),
            ],
            rows: problems, limit: options.detailLimit)
        return Report(
            kind: .coverage, org: scope.reportOrg, asOf: options.asOf,
            notes: [
                "应有预案单位：辖区内的乡镇（街道）、村（社区）和企业",
                "未备案：无备案单位或备案日期；逾期未修订：修订期限早于 \(options.asOf)",
            ],
            tables: [summary, try specialCategories(), detail, try planStates()])
    }

    /// Every live plan of the subtree with its filing state and approval.
    func planStates() throws -> ReportTable {
        var rows: [ReportTable.Row] = []
        let dialect = db.dialect
        try db.forEachRow(
            """
            SELECT r.org, r.title, r.filed_with, r.filed_on, r.filing_verdict, r.approved_by
            FROM \(scope.records("plan"))
            ORDER BY \(dialect.bytewise("r.org")), \(dialect.bytewise("r.title")), \(dialect.bytewise("r.id"))
            """, scope.recordArguments
        ) { row in
            let org: String = row[0]
            guard scope.bucket(of: org) != nil else { return }  // a wide scope reads the whole table
            let filedWith: String? = row[2]
            let approvedBy: String? = row[5]
            let state = TierSyncNode.FilingState(filedWith: filedWith, verdict: row[4])
            let cells: [ReportTable.Value] = [
                .text(org), .text(scope.unit(org)?.name ?? org), .text(row[1] ?? ""), .text(state.chinese),
                .text(filedWith.map { scope.unit($0)?.name ?? $0 } ?? ""), .text(row[3] ?? ""),
                .text(approvedBy.map { scope.unit($0)?.name ?? $0 } ?? ""),
            ]
            rows.append(.init(org: org, cells))
        }
        return scope.detailTable(
            key: "plans", title: "各预案备案与审核状态",
            columns: [
                .text("org", "代码"), .text("name", "单位"), .text("title", "预案"), .text("state", "备案状态"),
                .text("filedWith", "备案单位"), .text("filedOn", "备案日期"), .text("approvedBy", "审核单位"),
            ],
            rows: rows, limit: options.detailLimit)
    }

    /// Special-plan categories covered per county: the counties of the subtree, or the
    /// requested org itself when it is below county level.
    func specialCategories() throws -> ReportTable {
        let categories = scope.vocabulary.terms(of: "plan-category")
        var counties = scope.units.filter { $0.level == .county }
        if counties.isEmpty { counties = [scope.root] }
        let countyIndex = Dictionary(uniqueKeysWithValues: counties.enumerated().map { ($1.code, $0) })
        var covered = Array(repeating: Set<String>(), count: counties.count)
        try db.forEachRow(
            """
            SELECT r.org, r.category FROM \(scope.records("plan"))
            AND r.level = 'special' AND r.category IS NOT NULL GROUP BY r.org, r.category
            """, scope.recordArguments
        ) { row in
            guard let path = scope.unit(row[0])?.path else { return }
            // The county is the path component at the county's depth; found by code.
            for code in path.split(separator: "/") {
                if let index = countyIndex[String(code)] {
                    covered[index].insert(row[1])
                    break
                }
            }
        }
        let table = ReportTable(
            key: "special-categories", title: "专项预案类别覆盖（按县区，共\(categories.count)类）",
            columns: [
                .text("org", "代码"), .text("name", "县区"), .number("covered", "已覆盖类别"), .number("missing", "未覆盖类别数"),
                .text("missingCategories", "未覆盖类别"),
            ],
            rows: counties.enumerated().map { index, county in
                let missing = categories.filter { !covered[index].contains($0.key) }.map(\.name)
                return .init(
                    org: county.code,
                    [
                        .text(county.code), .text(county.name), .int(categories.count - missing.count),
                        .int(missing.count), .text(missing.joined(separator: "、")),
                    ])
            })
        return table
    }
}
