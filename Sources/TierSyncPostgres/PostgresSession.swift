import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
import TierSyncCore

/// One connection to a PostgreSQL store, used synchronously, the way every backend's merge
/// runs (`RemoteMerge` is synchronous): from a thread that may block, such as the hub's
/// thread pool or a command, never from an event loop.
///
/// ```swift
/// let session = try PostgresSession.connect(address, logger: logger)
/// let rows = try session.query("SELECT org FROM peer_node WHERE id = $1", [.text(node)])
/// ```
public final class PostgresSession: @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger
    private static let ids = NIOLockedValueBox(0)

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Opens a connection to `address`.
    public static func connect(_ address: PostgresAddress, logger: Logger) throws -> PostgresSession {
        let id = ids.withLockedValue { id in
            id += 1
            return id
        }
        do {
            let connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: address.configuration, id: id,
                logger: logger
            ).wait()
            return PostgresSession(connection: connection, logger: logger)
        } catch {
            throw PostgresStoreError.unreachable(address: address.description, reason: String(reflecting: error))
        }
    }

    /// Runs `sql` with `values` bound to `$1`, `$2`…, and returns every row.
    @discardableResult
    public func query(_ sql: String, _ values: [FieldValue] = []) throws -> [PostgresRow] {
        try query(sql, values, bytes: nil)
    }

    /// Runs `sql` with `values` bound to `$1`, `$2`… and then `bytes` as a `bytea` (a chunk
    /// of a file), and returns every row.
    @discardableResult
    public func query(_ sql: String, _ values: [FieldValue], bytes: [UInt8]?) throws -> [PostgresRow] {
        var binds = PostgresBindings(capacity: values.count + 1)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            case .text(let text): binds.append(text)
            }
        }
        if let bytes { binds.append(ByteBuffer(bytes: bytes)) }
        return try query(sql, binds: binds)
    }

    /// Runs `sql` with `binds` (arrays among them, for many rows in one statement), and
    /// returns every row.
    @discardableResult
    func query(_ sql: String, binds: PostgresBindings) throws -> [PostgresRow] {
        do {
            let result = try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait()
            return Array(result)
        } catch let error as PSQLError {
            throw PostgresStoreError(error, sql: sql)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    public func close() throws {
        try connection.close().wait()
    }

    /// Begins closing the connection without waiting for it, from any thread; the connection
    /// is kept until it is closed (postgres-nio asserts that it is closed when it goes away).
    func beginClose() {
        let connection = connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}
