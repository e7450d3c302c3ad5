import Foundation
import Hummingbird
import Logging
import TierSyncDomain
import TierSyncHub
import TierSyncPostgres
import TierSyncTestSupport

/// A hub for a new city node, served on a free loopback port for the length of a test; its
/// folder is removed with it.
final class LiveHub {
    let directory: URL
    let city: TierSyncNode
    let url: URL
    let server: Task<Void, any Error>

    init(logger: Logger? = nil) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-hub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        city = try TierSyncNode.create(
            path: directory.appendingPathComponent("city.db").path, org: "520200", logger: silent)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = HubService(node: city, logger: logger ?? silent).application(host: "127.0.0.1", port: 0) {
            continuation.yield($0)
        }
        server = Task(executorPreference: OwnThreads.servers) { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        url = URL(string: "http://127.0.0.1:\(await iterator.next()!)")!
    }

    func stop() { server.cancel() }

    deinit {
        server.cancel()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Where a hub under test keeps its records.
enum HubStore: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }
}

/// A hub serving sync from either store, for the tests that must hold on both: a `LiveHub`,
/// or a `PostgresHub` in a database of its own (made and dropped with this value).
final class LiveSyncHub {
    let sync: any SyncHub
    let url: URL
    private let sqlite: LiveHub?
    private let database: PostgresScratchDatabase?
    private let server: Task<Void, any Error>?

    init(_ store: HubStore) async throws {
        switch store {
        case .sqlite:
            let hub = try await LiveHub()
            (sqlite, database, server, sync, url) = (hub, nil, nil, hub.city, hub.url)
        case .postgres:
            let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let database = try PostgresScratchDatabase()
            let hub = try PostgresHub.create(address: database.address, org: "520200", logger: silent)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = HubService(hub: hub, logger: silent).application(host: "127.0.0.1", port: 0) {
                continuation.yield($0)
            }
            let server = Task(executorPreference: OwnThreads.servers) { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            (sqlite, self.database, self.server, sync) = (nil, database, server, hub)
            url = URL(string: "http://127.0.0.1:\(await iterator.next()!)")!
        }
    }

    /// Enrolls a child node of `org` and returns its credential.
    func enroll(_ node: String, org: String = "520201") throws -> String {
        try sync.acceptEnrollment(code: try sync.issueEnrollment(for: org, hours: 1).code, node: node).credential
    }

    /// Adds an operator who sees the subtree of `org` (default: the hub's) and returns their
    /// credential.
    func addOperator(name: String, org: String? = nil) throws -> String {
        if let hub = sync as? PostgresHub { return try hub.addOperator(name: name, org: org).credential }
        return try sqlite!.city.addOperator(name: name, org: org).credential
    }

    /// Revokes the operator whose credential is `credential`.
    func revokeOperator(_ credential: String) throws {
        let id = String(credential.prefix { $0 != "." })
        if let hub = sync as? PostgresHub { return try hub.revokeOperator(id) }
        try sqlite!.city.revokeOperator(id)
    }

    /// Revokes the child node `node`: its requests get 401 from now on.
    func revoke(node: String) throws {
        if let hub = sync as? PostgresHub { return try hub.revoke(node: node) }
        try sqlite!.city.revoke(node: node)
    }

    /// The hub's log position, as the child with `credential` is told it.
    func logPosition(credential: String) throws -> Int64 {
        try sync.status(for: try sync.authenticate(credential: credential)).lastSequence
    }

    deinit {
        server?.cancel()
        (sync as? PostgresHub)?.store.close()
    }
}
