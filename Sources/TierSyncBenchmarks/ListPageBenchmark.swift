import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncDomain
@_spi(Testing) import TierSyncPostgres
import TierSyncStore
import TierSyncWorkbench

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The workbench's record list on a county holding many contacts: each page fetched over
/// HTTP from a live site (session check, status bar, query, rendering), beside the same
/// page's two queries (count and window) run on the same store with plain SQL; with
/// `postgres`, the same county copied into PostgreSQL and measured the same way.
struct ListPageBenchmark {
    let contacts: Int
    let requests: Int
    let directory: URL

    /// With `postgres`, the same county kept in a database of its own on that server, measured too.
    var postgres: PostgresAddress?

    struct Row {
        let store: String
        let scenario: String
        let pageP50: Double
        let pageP95: Double
        let sqlP50: Double

        init(store: String, scenario: String, pages: [Double], sql: [Double]) {
            (self.store, self.scenario) = (store, scenario)
            (pageP50, pageP95, sqlP50) = (
                ListPageBenchmark.percentile(pages, 0.5), ListPageBenchmark.percentile(pages, 0.95),
                ListPageBenchmark.percentile(sql, 0.5)
            )
        }
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
        let node = try TierSyncNode.create(path: path, org: "520201", logger: BenchmarkDatabase.silent)
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
        let plain = try DatabaseQueue(path: path)
        var rows = try await measure(node, store: "SQLite") { sql, arguments in
            try plain.read { db in _ = try db.rows(sql, arguments) }
        }
        guard let postgres else { return rows }
        // The same county on PostgreSQL: its records copied, and one contact edited there so
        // that its page has a history to read.
        return try await BenchmarkDatabase.with(postgres, name: "tiersync_bench_list_page") { address in
            let hub = try PostgresHub.create(address: address, org: "520201", logger: BenchmarkDatabase.silent)
            defer { hub.store.close() }
            try hub.replaceRecords(with: node)
            let session = try PostgresSession.connect(address, logger: BenchmarkDatabase.silent)
            defer { try? session.close() }
            rows += try await measure(hub, store: "PostgreSQL") { sql, arguments in _ = try session.rows(sql, arguments)
            }
            return rows
        }
    }

    /// The scenarios' pages on `node`'s site, beside their queries run alone by `plain`.
    func measure(
        _ node: any WorkbenchNode, store: String, plain: (String, [FieldValue]) throws -> Void
    ) async throws -> [Row] {
        try node.addUser(login: "bench", name: "示例·测试", role: .admin, password: "bench-password")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Site(node: node, logger: BenchmarkDatabase.silent).application(host: "127.0.0.1", port: 0) {
            continuation.yield($0)
        }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ValidationErrorText("the site did not start") }
        let base = "http://127.0.0.1:\(port)"
        let session = try await signIn(base)
        func timed(_ body: () throws -> Void) rethrows -> Double {
            let started = ContinuousClock.now
            try body()
            return Self.milliseconds(ContinuousClock.now - started)
        }
        func page(_ path: String, mustContain text: String? = nil) async throws -> Double {
            var request = URLRequest(url: URL(string: base + path)!)
            request.setValue("tiersync_session=\(session)", forHTTPHeaderField: "Cookie")
            let started = ContinuousClock.now
            let (data, response) = try await URLSession.shared.data(for: request)
            let elapsed = Self.milliseconds(ContinuousClock.now - started)
            guard (response as? HTTPURLResponse)?.statusCode == 200, data.count > 1000,
                text.map({ String(decoding: data, as: UTF8.self).contains($0) }) ?? true
            else {
                throw ValidationErrorText(
                    "\(store): \(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            }
            return elapsed
        }
        var rows: [Row] = []
        for (name, query, filter, arguments) in Self.scenarios {
            var (pages, plainTimes): ([Double], [Double]) = ([], [])
            let offset = query.contains("page=200") ? 199 * 50 : 0
            let order = query.contains("sort=name") ? "name ASC" : "updated DESC"
            for _ in 0..<requests {
                pages.append(try await page("/records/contact" + (query.isEmpty ? "" : "?" + query)))
                let values = arguments.map(FieldValue.text)
                plainTimes.append(
                    try timed {
                        try plain("SELECT count(*) FROM contact WHERE \(filter)", values)
                        try plain(
                            "SELECT * FROM contact WHERE \(filter) ORDER BY \(order) LIMIT 50 OFFSET \(offset)", values)
                    })
            }
            rows.append(Row(store: store, scenario: name, pages: pages, sql: plainTimes))
        }
        // A record's page: its edit form and its history, read from the log.
        let id = try node.records(.contact, RecordQuery(sort: "name", descending: false, limit: 1)).records[0].id
        // A value of this store's own: the copy into PostgreSQL already holds SQLite's edit.
        _ = try node.set(.contact, id: id.rawValue, values: ["post": "镇应急办（\(store)）"])
        var (pages, reads): ([Double], [Double]) = ([], [])
        for _ in 0..<requests {
            pages.append(try await page("/records/contact/" + id.rawValue, mustContain: "修改历史"))
            reads.append(
                try timed {
                    try plain(
                        "SELECT * FROM change_log WHERE record = ? AND tbl = 'contact' ORDER BY seq",
                        [.text(id.rawValue)])
                })
        }
        rows.append(Row(store: store, scenario: "a record's page with its history", pages: pages, sql: reads))
        return rows
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
        Swift.print("| store | scenario | page p50 | page p95 | plain SQL p50 (the page's queries) | page / SQL |")
        Swift.print("|---|---|---:|---:|---:|---:|")
        for row in rows {
            Swift.print(
                "| \(row.store) | \(row.scenario) | \(String(format: "%.1f", row.pageP50)) | \(String(format: "%.1f", row.pageP95)) | "
                    + "\(String(format: "%.2f", row.sqlP50)) | \(String(format: "%.1f×", row.pageP50 / max(row.sqlP50, 0.001))) |"
            )
        }
    }
}
