import Foundation
import Logging
import Synchronization
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncTestSupport
import TierSyncWorkbench

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A node's site on a free loopback port for the length of a test (a county, 钟山区, with
/// an admin and a clerk of one of its townships), kept in a SQLite file or in a PostgreSQL
/// database of its own; its folder and database are removed with it.
final class LiveSite: @unchecked Sendable {
    /// Hands back redirects instead of following them, to look at the answer itself.
    final class NoRedirects: NSObject, URLSessionTaskDelegate {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) { completionHandler(nil) }
    }

    /// A clock that stands still at the moment the site was made until a test moves it on
    /// (`advance`): idle limits and sign-in waits are passed without sleeping, whatever the
    /// machine's speed.
    final class MovableClock: WallClock {
        private let now = Atomic<Int64>(SystemWallClock().nowMilliseconds())
        func nowMilliseconds() -> Int64 { now.load(ordering: .relaxed) }
        func advance(milliseconds: Int64) { now.add(milliseconds, ordering: .relaxed) }
    }

    /// Where the county keeps its store: every page runs on both.
    enum Store: String, CaseIterable, CustomStringConvertible, Sendable {
        case sqlite, postgres
        var description: String { rawValue }
    }

    let directory: URL
    let clock = MovableClock()
    let node: any WorkbenchNode
    /// The county's database, when it is on PostgreSQL.
    let database: PostgresScratchDatabase?
    private(set) var url: URL
    private var server: Task<Void, any Error>
    /// No redirects followed and no cookies kept: each request carries exactly the session it names.
    let http: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpCookieStorage = nil
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()
    static let password = "示例密码-2026"

    init(_ store: Store = .sqlite, idleLimit: Int64 = TierSyncNode.defaultIdleLimit) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch store {
        case .sqlite:
            database = nil
            node = try TierSyncNode.create(
                path: directory.appendingPathComponent("county.db").path, org: "520201", wallClock: clock,
                logger: Self.silent)
        case .postgres:
            let database = try PostgresScratchDatabase()
            self.database = database
            node = try PostgresHub.create(
                address: database.address, org: "520201", wallClock: clock, logger: PostgresScratchDatabase.silent)
        }
        try node.addUser(login: "admin", name: "示例·管理员", role: .admin, password: Self.password)
        try node.addUser(login: "clerk", name: "示例·填报员", role: .clerk, org: "520201101", password: Self.password)
        (server, url) = try await Self.start(node, idleLimit: idleLimit)
    }

    static let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The county as a SQLite node, for a test of what only SQLite does.
    var sqlite: TierSyncNode {
        get throws { try #require(node as? TierSyncNode, "this test runs on SQLite only") }
    }

    static func start(_ node: any WorkbenchNode, idleLimit: Int64) async throws -> (Task<Void, any Error>, URL) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Site(node: node, idleLimit: idleLimit, logger: silent).application(host: "127.0.0.1", port: 0) {
            continuation.yield($0)
        }
        let server = Task(executorPreference: OwnThreads.servers) { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        return (server, URL(string: "http://127.0.0.1:\(await iterator.next()!)")!)
    }

    /// Stops the server and starts another on the same database (a restart).
    func restart() async throws {
        server.cancel()
        _ = try? await server.value
        let reopened: any WorkbenchNode =
            if let database {
                try PostgresHub.open(
                    address: database.address, wallClock: clock, logger: PostgresScratchDatabase.silent)
            } else {
                try TierSyncNode.open(path: try sqlite.store.path, wallClock: clock, logger: Self.silent)
            }
        (server, url) = try await Self.start(reopened, idleLimit: TierSyncNode.defaultIdleLimit)
    }

    func stop() { server.cancel() }

    deinit {
        server.cancel()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: requests

    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: String
        let data: Data
        var location: String? { headers["Location"] }
    }

    func get(_ path: String, session: String? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: url.absoluteString + path)!)
        if let session { request.setValue("tiersync_session=\(session)", forHTTPHeaderField: "Cookie") }
        return try await send(request)
    }

    func post(
        _ path: String, _ fields: [(String, String)], session: String? = nil, headers: [String: String] = [:]
    ) async throws -> Answer {
        var request = URLRequest(url: URL(string: url.absoluteString + path)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let session { request.setValue("tiersync_session=\(session)", forHTTPHeaderField: "Cookie") }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        request.httpBody = Data(
            fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(
                separator: "&"
            ).utf8)
        return try await send(request)
    }

    /// A POST of `body` as it is (an upload).
    func postRaw(_ path: String, _ body: Data, contentType: String, session: String) async throws -> Answer {
        var request = URLRequest(url: URL(string: url.absoluteString + path)!)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.setValue("tiersync_session=\(session)", forHTTPHeaderField: "Cookie")
        request.httpBody = body
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> Answer {
        let (data, response) = try await http.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)"] = "\(value)" }
        return Answer(
            status: http.statusCode, headers: headers, body: String(decoding: data, as: UTF8.self), data: data)
    }

    /// Signs in and returns the session id from the cookie.
    func signIn(_ login: String, password: String = LiveSite.password) async throws -> String? {
        let answer = try await post("/login", [("login", login), ("password", password)])
        guard answer.status == 303, let cookie = answer.headers["Set-Cookie"],
            let value = cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        else { return nil }
        return String(value)
    }

    /// The CSRF token of the forms on `path`.
    func csrf(_ path: String, session: String) async throws -> String {
        let page = try await get(path, session: session).body
        // A refusal must come from the check under test, never from a token not found.
        let range = try #require(
            page.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression), "no CSRF token on \(path)")
        return String(page[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }
}
