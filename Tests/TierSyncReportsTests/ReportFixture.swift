import Foundation
import GRDB
import Logging
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// A city node (六盘水市, 520200, with the seeds' counties and townships) on a temporary file,
/// into which a test writes exactly the records it needs, with SQL, and then makes reports.
/// Each report is made again on a hub on PostgreSQL holding a copy of the node's records
/// (`PostgresMirror`), and must come out the same. Removed with the value.
final class ReportFixture {
    let directory: URL
    let node: TierSyncNode
    let mirror: PostgresMirror

    /// 2026-11-29T10:00:00+08:00, the fixture's "today" (stock events default to it).
    static let now: Int64 = 1_795_917_600_000
    static let asOf = CivilDate(parsing: "2026-11-29")!

    init(org: String = "520200") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        node = try TierSyncNode.create(
            path: directory.appendingPathComponent("node.db").path, org: org,
            wallClock: FixedWallClock(milliseconds: Self.now),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        mirror = try PostgresMirror(org: org)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Adds an org unit (a village or an enterprise: the seeds stop at townships).
    func org(_ code: String, under parent: String, name: String, level: OrgUnit.Level) throws {
        try sql(
            """
            INSERT INTO org_unit (code, parent, name, level, path, sample)
            SELECT ?, code, ?, ?, path || '/' || ?, 1 FROM org_unit WHERE code = ?
            """, [code, name, level.rawValue, code, parent])
    }

    /// Inserts a record row of `table` owned by `org` with `fields`; returns its id.
    @discardableResult
    func record(
        _ table: String, org: String, deleted: Bool = false, created: Int64 = 1,
        _ fields: [String: (any DatabaseValueConvertible)?]
    )
        throws -> String
    {
        let id = UUID().uuidString.lowercased()
        let names = ["id", "org", "created", "updated", "deleted"] + fields.keys.sorted()
        let values: [(any DatabaseValueConvertible)?] =
            [id, org, created, created, deleted ? 1 : 0] + fields.keys.sorted().map { fields[$0]! }
        try sql(
            "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))",
            StatementArguments(values))
        return id
    }

    @discardableResult
    func plan(
        _ org: String, level: String = "grassroots", category: String? = nil, filedWith: String? = nil,
        filedOn: String? = nil, deadline: String? = nil, deleted: Bool = false
    ) throws -> String {
        try record(
            "plan", org: org, deleted: deleted,
            [
                "title": "预案", "level": level, "category": category, "status": "published", "filed_with": filedWith,
                "filed_on": filedOn, "revision_deadline": deadline,
            ])
    }

    @discardableResult
    func contact(
        _ org: String, role: String = "information-officer", hazard: String? = nil, confirmed: String? = "2026-11-01",
        name: String = "示例·王一", deleted: Bool = false
    ) throws -> String {
        try record(
            "contact", org: org, deleted: deleted,
            ["role": role, "hazard": hazard, "name": name, "phone": "13900000001", "last_confirmed": confirmed])
    }

    func drill(_ org: String, on date: String, participants: Int, deleted: Bool = false) throws {
        try record(
            "drill", org: org, deleted: deleted,
            ["title": "演练", "kind": "tabletop", "held_on": date, "participants": participants])
    }

    /// A progress report made at its unit at `submittedAt` (its creating stamp, which
    /// timeliness goes by, and its `submitted_at`).
    func progress(_ org: String, _ period: String, submittedAt: String, deleted: Bool = false) throws {
        let made = try #require(
            ISOTimestamp.milliseconds(from: submittedAt)
                ?? ISO8601DateFormatter().date(from: submittedAt).map {
                    Int64($0.timeIntervalSince1970 * 1000)
                })
        try record(
            "progress_report", org: org, deleted: deleted, created: HLCTimestamp(physical: made, counter: 0).rawValue,
            ["period": period, "body": "进展", "submitted_at": submittedAt])
    }

    func task(_ org: String, deadline: String, status: String = "open", closedOn: String? = nil, deleted: Bool = false)
        throws
    {
        try record(
            "task", org: org, deleted: deleted,
            ["title": "任务", "deadline": deadline, "status": status, "closed_on": closedOn, "note": "进展"])
    }

    func sql(_ statement: String, _ arguments: StatementArguments = []) throws {
        try node.store.write { writer in try writer.db.execute(sql: statement, arguments: arguments) }
    }

    func report(
        _ kind: ReportKind, org: String = "520200", asOf: CivilDate = ReportFixture.asOf, staleAfterDays: Int = 180,
        months: ClosedRange<YearMonth>? = nil, detailLimit: Int? = nil
    ) throws -> Report {
        let options = ReportOptions(
            asOf: asOf, staleAfterDays: staleAfterDays, months: months, detailLimit: detailLimit)
        return try both { db in try Report.make(kind, org: org, options: options, db: db) }
    }

    /// `make` over the SQLite node and over its copy on PostgreSQL; returns the first after
    /// checking that the second is the same (as JSON, where every figure and row shows).
    func both<T: Encodable>(_ make: (any SQLReader) throws -> T) throws -> T {
        let sqlite = try node.readingReports(make)
        try mirror.copy(from: node)
        let postgres = try mirror.hub.readingReports(make)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let (expected, actual) = (try encoder.encode(sqlite), try encoder.encode(postgres))
        #expect(
            actual == expected,
            "the hub on PostgreSQL gave another result:\n\(String(decoding: actual, as: UTF8.self))\nSQLite:\n\(String(decoding: expected, as: UTF8.self))"
        )
        return sqlite
    }
}

extension ReportTable {
    /// The number in column `key` of the row about `org` (the total row when `org` is nil).
    func number(_ key: String, org: String?) -> Double? {
        guard let row = org.map({ self.row(org: $0) }) ?? total, case .number(let value)? = value(row, key) else {
            return nil
        }
        return value
    }

    /// The orgs the rows are about, in order (total row excluded).
    var orgs: [String] { rows.filter { !$0.isTotal }.compactMap(\.org) }
}

func month(_ text: String) -> YearMonth { YearMonth(parsing: text)! }
func date(_ text: String) -> CivilDate { CivilDate(parsing: text)! }
