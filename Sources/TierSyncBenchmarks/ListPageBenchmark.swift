import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncDomain
import TierSyncStore
import TierSyncWorkbench

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The workbench's record list on a county holding many contacts: each page fetched over
/// HTTP from a live site (session check, status bar, query, rendering), beside the same
/// page's two queries (count and window) run on the same file with plain SQL.
struct ListPageBenchmark {
    let contacts: Int
    let requests: Int
    let directory: URL

    struct Row {
        let scenario: String
        let pageP50: Double
        let pageP95: Double
        let sqlP50: Double
    }

    /// (name, query string, the plain SQL's filter and arguments).
    static let scenarios: [(String, String, String, [String])] = [
        ("newest first, page 1", "", "deleted = 0", []),
        (
            "search a name", "q=%E7%8E%8B", "deleted = 0 AND (name LIKE '%王%' OR phone LIKE '%王%' OR post LIKE '%王%')",
            []
        ),
        (
            "role + township filter", "role=information-officer&org=520201101", "deleted = 0 AND role = ? AND org = ?",
            ["information-officer", "520201101"]
        ),
        ("sorted by name, page 200", "sort=name&dir=asc&page=200", "deleted = 0", []),
    ]

    func run() async throws -> [Row] {
        let path = directory.appendingPathComponent("county.db").path
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let node = try TierSyncNode.create(path: path, org: "520201", logger: silent)
        let townships = try node.orgs(under: "520201").filter { $0.level == .township }.map(\.code)
        let surnames = Array("王李张刘陈杨赵黄周吴")
        try node.store.write { writer in
            var random = SplitMix64(seed: 9)
            for index in 0..<contacts {
                let fields: [String: FieldValue] = [
                    "role": .text(index % 3 == 0 ? "information-officer" : "liaison"),
                    "name": .text("示例·\(surnames[index % surnames.count])\(index)"),
                    "phone": .text(String(format: "139%08d", index)), "last_confirmed": .text("2026-06-01"),
                ]
                try writer.insert(
                    table: "contact", id: RecordID.random(using: &random), org: townships[index % townships.count],
                    fields: fields)
            }
        }
        try node.addUser(login: "bench", name: "示例·测试", role: .admin, password: "bench-password")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Site(node: node, logger: silent).application(host: "127.0.0.1", port: 0) { continuation.yield($0) }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ValidationErrorText("the site did not start") }
        let base = "http://127.0.0.1:\(port)"
        let session = try await signIn(base)
        let plain = try DatabaseQueue(path: path)
        var rows: [Row] = []
        for (name, query, filter, arguments) in Self.scenarios {
            var pages: [Double] = []
            var plainTimes: [Double] = []
            let offset = query.contains("page=200") ? 199 * 50 : 0
            let order = query.contains("sort=name") ? "name ASC" : "updated DESC"
            for _ in 0..<requests {
                var request = URLRequest(
                    url: URL(string: base + "/records/contact" + (query.isEmpty ? "" : "?" + query))!)
                request.setValue("tiersync_session=\(session)", forHTTPHeaderField: "Cookie")
                let started = ContinuousClock.now
                let (data, response) = try await URLSession.shared.data(for: request)
                pages.append(Self.milliseconds(ContinuousClock.now - started))
                guard (response as? HTTPURLResponse)?.statusCode == 200, data.count > 1000 else {
                    throw ValidationErrorText("the list page answered \(response)")
                }
                plainTimes.append(
                    try Self.plainPage(plain, filter: filter, arguments: arguments, order: order, offset: offset))
            }
            rows.append(
                Row(
                    scenario: name, pageP50: Self.percentile(pages, 0.5), pageP95: Self.percentile(pages, 0.95),
                    sqlP50: Self.percentile(plainTimes, 0.5)))
        }
        // A record's page: its edit form and its history, read from the log by a scan.
        let id =
            try await plain.read { db in try String.fetchOne(db, sql: "SELECT id FROM contact ORDER BY created LIMIT 1")
            } ?? ""
        var pages: [Double] = []
        var scans: [Double] = []
        for _ in 0..<requests {
            var request = URLRequest(url: URL(string: base + "/records/contact/" + id)!)
            request.setValue("tiersync_session=\(session)", forHTTPHeaderField: "Cookie")
            let started = ContinuousClock.now
            let (data, response) = try await URLSession.shared.data(for: request)
            pages.append(Self.milliseconds(ContinuousClock.now - started))
            guard (response as? HTTPURLResponse)?.statusCode == 200,
                String(decoding: data, as: UTF8.self).contains("修改历史")
            else { throw ValidationErrorText("the record page answered \(response)") }
            scans.append(try Self.logScan(plain, record: id))
        }
        rows.append(
            Row(
                scenario: "a record's page with its history", pageP50: Self.percentile(pages, 0.5),
                pageP95: Self.percentile(pages, 0.95), sqlP50: Self.percentile(scans, 0.5)))
        return rows
    }

    /// Milliseconds of reading one record's log entries in plain SQL (a scan of the log).
    static func logScan(_ queue: DatabaseQueue, record: String) throws -> Double {
        let started = ContinuousClock.now
        try queue.read { db in
            _ = try GRDB.Row.fetchAll(
                db, sql: "SELECT * FROM change_log WHERE record = ? ORDER BY seq", arguments: [record])
        }
        return milliseconds(ContinuousClock.now - started)
    }

    /// Milliseconds of the page's two queries (how many match, and the window) in plain SQL.
    static func plainPage(_ queue: DatabaseQueue, filter: String, arguments: [String], order: String, offset: Int)
        throws
        -> Double
    {
        let started = ContinuousClock.now
        try queue.read { db in
            _ = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM contact WHERE \(filter)", arguments: StatementArguments(arguments))
            _ = try GRDB.Row.fetchAll(
                db, sql: "SELECT * FROM contact WHERE \(filter) ORDER BY \(order) LIMIT 50 OFFSET \(offset)",
                arguments: StatementArguments(arguments))
        }
        return milliseconds(ContinuousClock.now - started)
    }

    private func signIn(_ base: String) async throws -> String {
        final class NoRedirects: NSObject, URLSessionTaskDelegate {
            func urlSession(
                _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
            ) { completionHandler(nil) }
        }
        var request = URLRequest(url: URL(string: base + "/login")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("login=bench&password=bench-password".utf8)
        let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
        let response = try await session.data(for: request).1 as? HTTPURLResponse
        guard let cookie = response?.value(forHTTPHeaderField: "Set-Cookie"),
            let id = cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        else { throw ValidationErrorText("sign-in failed") }
        return String(id)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
    }

    func print(_ rows: [Row]) {
        Swift.print("List page of \(contacts) contacts in one county, \(requests) requests each (ms):\n")
        Swift.print("| scenario | page p50 | page p95 | plain SQL p50 (the page's queries) | page / SQL |")
        Swift.print("|---|---:|---:|---:|---:|")
        for row in rows {
            Swift.print(
                "| \(row.scenario) | \(String(format: "%.1f", row.pageP50)) | \(String(format: "%.1f", row.pageP95)) | "
                    + "\(String(format: "%.2f", row.sqlP50)) | \(String(format: "%.1f×", row.pageP50 / max(row.sqlP50, 0.001))) |"
            )
        }
    }
}
