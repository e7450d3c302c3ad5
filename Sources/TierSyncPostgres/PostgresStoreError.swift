import PostgresNIO
import TierSyncStore

/// Why a PostgreSQL store refused or failed, in words that name what was wrong.
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable, TemporaryFailure {
    private enum Reason: Sendable {
        case badAddress(text: String, why: String)
        case unreachable(address: String, reason: String)
        case server(code: String, message: String, sql: String)
        case corrupt(what: String)
        case badQuery(what: String)
        case alreadyInitialized(address: String, org: String, node: String)
        case notInitialized(address: String)
        case inUse(address: String, connections: Int)
        case rowNotUndone(why: String)
        case toolFailed(tool: String, why: String)
    }

    private let reason: Reason

    private init(reason: Reason) { self.reason = reason }

    /// `--db` looked like a PostgreSQL URL but was not one this store takes.
    static func badAddress(text: String, why: String) -> Self { .init(reason: .badAddress(text: text, why: why)) }
    static func unreachable(address: String, reason: String) -> Self {
        .init(reason: .unreachable(address: address, reason: reason))
    }
    static func corrupt(_ what: String) -> Self { .init(reason: .corrupt(what: what)) }
    /// A query built wrong (a bug here, not a problem of the data or the server).
    static func badQuery(_ what: String) -> Self { .init(reason: .badQuery(what: what)) }
    static func alreadyInitialized(address: String, org: String, node: String) -> Self {
        .init(reason: .alreadyInitialized(address: address, org: org, node: node))
    }
    static func notInitialized(address: String) -> Self { .init(reason: .notInitialized(address: address)) }
    /// A refused import row had written what only a savepoint takes back: the import stops.
    static func rowNotUndone(_ why: String) -> Self { .init(reason: .rowNotUndone(why: why)) }
    /// A client program of PostgreSQL (`pg_dump`, `pg_restore`) is missing or failed.
    static func toolFailed(tool: String, why: String) -> Self { .init(reason: .toolFailed(tool: tool, why: why)) }
    static func inUse(address: String, connections: Int) -> Self {
        .init(reason: .inUse(address: address, connections: connections))
    }

    init(_ error: PSQLError, sql: String) {
        reason = .server(
            code: error.serverInfo?[.sqlState] ?? "", message: error.serverInfo?[.message] ?? String(reflecting: error),
            sql: String(sql.prefix(200)))
    }

    /// True when the request may pass if sent again: the server could not be reached, the
    /// connection broke (SQLSTATE class 08), the server is shutting down or out of resources
    /// (57, 53), or the transaction lost a race (40).
    public var isTemporary: Bool {
        switch reason {
        case .unreachable: return true
        case .server(let code, _, _): return ["08", "57", "53", "40"].contains(String(code.prefix(2)))
        default: return false
        }
    }

    /// True when the server refused one statement's data (a constraint, class 23, or a value
    /// it cannot hold, class 22) rather than the connection or the transaction.
    public var isDataRefusal: Bool {
        if case .server(let code, _, _) = reason { return code.hasPrefix("22") || code.hasPrefix("23") }
        return false
    }

    public var description: String {
        switch reason {
        case .badAddress(let text, let why):
            "--db \(text) is not a PostgreSQL store this release can use: \(why) (postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE, or ?host=/socket/folder)"
        case .unreachable(let address, let reason): "cannot connect to \(address): \(reason)"
        case .server(let code, let message, let sql): "PostgreSQL refused (\(code)): \(message) in: \(sql)"
        case .corrupt(let what): "the PostgreSQL store holds \(what)"
        case .badQuery(let what): "a query this release built wrong: \(what)"
        case .alreadyInitialized(let address, let org, let node):
            "\(address) already holds node \(node) of org \(org); use another database"
        case .notInitialized(let address):
            "\(address) holds no TierSync node yet"
        case .inUse(let address, let connections):
            "\(connections) other connection(s) use \(address): stop every `tiersync serve` of this hub first"
        case .toolFailed(let tool, let why): "\(tool) failed: \(why)"
        case .rowNotUndone(let why):
            "nothing was imported: a row was refused after it wrote a conflict, which only a savepoint takes back (import with --update to have one per row): \(why)"
        }
    }
}
