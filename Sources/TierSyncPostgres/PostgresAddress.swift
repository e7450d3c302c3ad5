import Foundation
import PostgresNIO

/// Where a PostgreSQL store is: a libpq-style URL, which `--db` takes beside a file path
/// (`init`, `enroll`, `serve`, `export`).
///
/// ```swift
/// let address = try PostgresAddress(parsing: "postgresql://tiersync:secret@127.0.0.1:5432/province")
/// let local = try PostgresAddress(parsing: "postgresql:///province?host=/run/postgresql")
/// ```
///
/// TLS is not offered yet: the hub and its database are expected on one machine or one
/// private network, so `sslmode` other than `disable` is refused rather than ignored.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The folder of the server's Unix socket (`.s.PGSQL.PORT` inside it).
        case socket(folder: String, port: Int)
    }

    public let endpoint: Endpoint
    public let user: String
    public let password: String?
    public let database: String

    /// True when `text` names a PostgreSQL store rather than a file.
    public static func isAddress(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(parsing text: String) throws {
        func refuse(_ why: String) -> PostgresStoreError {
            .badAddress(text: Self.redacted(text), why: why)
        }
        guard Self.isAddress(text), let url = URLComponents(string: text) else {
            throw refuse("it is not a postgresql:// URL")
        }
        let database = url.path.split(separator: "/").joined(separator: "/")
        guard !database.isEmpty, !database.contains("/") else {
            throw refuse("it names no database (postgresql://USER@HOST:PORT/DATABASE)")
        }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] { query[item.name] = item.value ?? "" }
        for name in query.keys where !["host", "sslmode", "user", "password"].contains(name) {
            throw refuse("parameter \(name) is not one of host, sslmode, user, password")
        }
        if let mode = query["sslmode"], mode != "disable" {
            throw refuse("sslmode=\(mode): only sslmode=disable is supported")
        }
        let port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw refuse("port \(port) is not 1 to 65535") }
        let host = query["host"] ?? url.host ?? ""
        if host.hasPrefix("/") {
            endpoint = .socket(folder: host, port: port)
        } else {
            guard !host.isEmpty else { throw refuse("it names no host (or host=/socket/folder)") }
            endpoint = .tcp(host: host, port: port)
        }
        user = query["user"] ?? url.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        // Without one in the URL, where libpq's tools look: a password on the command line is
        // in the process list for every user of the machine to read.
        password = query["password"] ?? url.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        self.database = database
    }

    /// The same server and user, another database (a test's or a benchmark's own).
    public func with(database: String) -> PostgresAddress {
        PostgresAddress(endpoint: endpoint, user: user, password: password, database: database)
    }

    private init(endpoint: Endpoint, user: String, password: String?, database: String) {
        (self.endpoint, self.user, self.password, self.database) = (endpoint, user, password, database)
    }

    /// The connection settings for postgres-nio.
    var configuration: PostgresConnection.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: .disable)
        case .socket(let folder, let port):
            PostgresConnection.Configuration(
                unixSocketPath: folder + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
    }

    /// The address without its password, for messages and logs.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgresql://\(user)@\(host):\(port)/\(database)"
        case .socket(let folder, let port): "postgresql://\(user)@/\(database)?host=\(folder) (port \(port))"
        }
    }

    static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
    }
}
