import Logging
import TierSyncPostgres

/// A database of a benchmark's own on a PostgreSQL server, made for one run and dropped after.
///
/// ```swift
/// try BenchmarkDatabase.with(server, name: "tiersync_bench_apply_1") { address in try PostgresStore.create(address: address, …) }
/// ```
enum BenchmarkDatabase {
    /// A logger that says nothing: the benchmarks print their tables only.
    static let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with the address of a new, empty database `name` on `server`.
    static func with<T>(_ server: PostgresAddress, name: String, _ body: (PostgresAddress) throws -> T) throws -> T {
        let admin = try PostgresSession.connect(server, logger: silent)
        defer { try? admin.close() }
        try admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try admin.query("CREATE DATABASE \(name)")
        defer { _ = try? admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        return try body(server.with(database: name))
    }

    /// `with` for a body that awaits (a site served from the database).
    static func with<T>(_ server: PostgresAddress, name: String, _ body: (PostgresAddress) async throws -> T)
        async throws -> T
    {
        let admin = try PostgresSession.connect(server, logger: silent)
        defer { try? admin.close() }
        try admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try admin.query("CREATE DATABASE \(name)")
        defer { _ = try? admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        return try await body(server.with(database: name))
    }
}
