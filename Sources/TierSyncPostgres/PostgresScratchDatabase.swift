import Foundation
import Logging

/// A database of its own on a PostgreSQL server, dropped when the value goes away: what
/// tests and benchmarks run a hub in.
///
/// ```swift
/// let database = try PostgresScratchDatabase(server: try PostgresAddress(parsing: url))
/// let hub = try PostgresHub.create(address: database.address, org: "520000")
/// ```
public final class PostgresScratchDatabase: Sendable {
    /// Where the database is.
    public let address: PostgresAddress
    private let server: PostgresAddress
    private let name: String
    public static let silent = Logger(label: "tiersync.postgres.scratch", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The variable that names the test server (`Tests/Postgres/server.sh start DIR` prints
    /// its URL; `.ci/run` exports it).
    public static let testServerVariable = "TIERSYNC_TEST_POSTGRES"

    struct NoServer: Error, CustomStringConvertible {
        let description =
            "\(testServerVariable) is not set: start a server with `Tests/Postgres/server.sh start /tmp/tiersync-pg` and export the URL it prints"
    }

    /// A new database on the server named by `TIERSYNC_TEST_POSTGRES`.
    ///
    /// - Throws: when the variable is not set, naming it: a skipped backend would look like
    ///   a passing one.
    public convenience init() throws {
        guard let url = ProcessInfo.processInfo.environment[Self.testServerVariable] else { throw NoServer() }
        try self.init(server: try PostgresAddress(parsing: url))
    }

    /// A new database on `server`.
    public init(server: PostgresAddress) throws {
        self.server = server
        name = "ts_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let session = try PostgresSession.connect(server, logger: Self.silent)
        defer { try? session.close() }
        try session.query("CREATE DATABASE \(name)")
        address = server.with(database: name)
    }

    deinit {
        guard let session = try? PostgresSession.connect(server, logger: Self.silent) else { return }
        _ = try? session.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try? session.close()
    }
}
