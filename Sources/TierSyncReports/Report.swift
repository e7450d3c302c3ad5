import TierSyncCore
import TierSyncStore

/// One computed rollup of an org's subtree: a summary table (a row per direct child org,
/// the org's own records as "本级", and a total) and detail tables.
///
/// ```swift
/// let report = try node.store.read { db in
///     try Report.make(.coverage, org: "520201", options: ReportOptions(), db: db)
/// }
/// print(ReportText.render(report))
/// ```
public struct Report: Sendable {
    public let kind: ReportKind
    /// The org the report is about; rows cover it and everything below it.
    public let org: Org
    public let asOf: CivilDate
    /// The rule parameters the figures depend on, in Chinese, e.g. "超过 180 天未确认视为过期".
    public let notes: [String]
    /// The summary table first (key `summary`), then detail tables.
    public let tables: [ReportTable]

    public init(kind: ReportKind, org: Org, asOf: CivilDate, notes: [String], tables: [ReportTable]) {
        self.kind = kind
        self.org = org
        self.asOf = asOf
        self.notes = notes
        self.tables = tables
    }

    /// The org a report is about, as rows and titles name it.
    public struct Org: Sendable, Encodable, Equatable {
        public let code: String
        public let name: String
        public let level: String
    }

    /// The table with `key`, if the report has it.
    public func table(_ key: String) -> ReportTable? { tables.first { $0.key == key } }

    /// Computes report `kind` for `org` and the units below it, from the records of `db`, a
    /// SQLite node's or a PostgreSQL hub's (deleted records ignored). Each report reads each table it needs with one aggregate
    /// query over the subtree; the rows are then grouped per direct child in memory.
    ///
    /// - Throws: `ReportError.unknownOrg` when `org` is not in `db`'s org hierarchy.
    public static func make(_ kind: ReportKind, org: String, options: ReportOptions, db: any SQLReader) throws -> Report
    {
        try make(kind, scope: try ReportScope(org: org, db: db), options: options, db: db)
    }

    /// Computes several reports of one org, loading its subtree once (the dashboard's
    /// overview shows them all).
    public static func make(
        _ kinds: [ReportKind], org: String, options: ReportOptions, db: any SQLReader
    ) throws -> [ReportKind: Report] {
        let scope = try ReportScope(org: org, db: db)
        var reports: [ReportKind: Report] = [:]
        for kind in kinds { reports[kind] = try make(kind, scope: scope, options: options, db: db) }
        return reports
    }

    private static func make(_ kind: ReportKind, scope: ReportScope, options: ReportOptions, db: any SQLReader) throws
        -> Report
    {
        switch kind {
        case .coverage: return try CoverageReport(scope: scope, options: options, db: db).make()
        case .contacts: return try ContactsReport(scope: scope, options: options, db: db).make()
        case .reserves: return try ReservesReport(scope: scope, options: options, db: db).make()
        case .drills: return try DrillsReport(scope: scope, options: options, db: db).make()
        case .timeliness: return try TimelinessReport(scope: scope, options: options, db: db).make()
        case .tasks: return try TasksReport(scope: scope, options: options, db: db).make()
        }
    }
}

extension Report: Encodable {
    private enum CodingKeys: String, CodingKey { case kind, title, org, asOf, notes, tables }

    /// `{"kind":"coverage","title":"…","org":{…},"asOf":"2026-11-29","notes":[…],"tables":[…]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(kind.title, forKey: .title)
        try container.encode(org, forKey: .org)
        try container.encode(asOf.description, forKey: .asOf)
        try container.encode(notes, forKey: .notes)
        try container.encode(tables, forKey: .tables)
    }
}
