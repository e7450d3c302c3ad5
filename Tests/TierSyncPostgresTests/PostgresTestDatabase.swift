import Foundation
import Logging
import TierSyncPostgres

/// A database of its own on the test server (`TIERSYNC_TEST_POSTGRES`, which
/// `Tests/Postgres/server.sh start DIR` prints and `.ci/run` exports), dropped afterwards.
///
/// Without the variable every PostgreSQL test fails, naming it: a skipped backend would look
/// like a passing one.
final class PostgresTestDatabase {
    let address: PostgresAddress
    private let server: PostgresAddress
    private let name: String
    static let silent = Logger(label: "test.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    struct NoServer: Error, CustomStringConvertible {
        let description =
            "TIERSYNC_TEST_POSTGRES is not set: start a server with `Tests/Postgres/server.sh start /tmp/tiersync-pg` and export the URL it prints"
    }

    init() throws {
        guard let url = ProcessInfo.processInfo.environment["TIERSYNC_TEST_POSTGRES"] else { throw NoServer() }
        server = try PostgresAddress(parsing: url)
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
