import Foundation
import Logging
import TierSyncClient
import TierSyncDomain
import TierSyncHub
import TierSyncWorkbench

/// `SyncServer`: the long-running node service for deployment. The same service as
/// `tiersync serve`, configured from a JSON file (see `config/`) or flags:
///
/// ```
/// SyncServer --config /etc/tiersync/county.json
/// SyncServer --db county.db --listen 127.0.0.1:8080 --sync-interval 30
/// ```
///
/// Stops gracefully on SIGTERM or SIGINT (in-flight requests finish, the server then exits).
@main
enum SyncServer {
    struct Configuration: Codable {
        var db: String?
        var listen: String?
        var syncInterval: Double?
        var logLevel: String?
    }

    static func main() async {
        do {
            let configuration = try parse(Array(CommandLine.arguments.dropFirst()))
            let level = configuration.logLevel.flatMap(Logger.Level.init(rawValue:)) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            guard let db = configuration.db else { throw Failure("give --db FILE or a config file with \"db\"") }
            let listen = configuration.listen ?? "127.0.0.1:8080"
            guard let address = HubService.Address(parsing: listen) else {
                throw Failure("listen must be HOST:PORT, not '\(listen)'")
            }
            let node = try TierSyncNode.open(path: db)
            let logger = Logger(label: "tiersync.server")
            let host = address.host
            let upward = try UpwardSync.services(
                for: node, interval: configuration.syncInterval ?? 30, logger: logger)
            let app = Site(node: node, logger: logger).application(
                host: host, port: address.port, services: upward
            ) {
                bound in
                logger.info(
                    "listening",
                    metadata: [
                        "url": "http://\(host):\(bound)", "node": "\(node.store.node.id)", "org": "\(node.org.code)",
                    ])
            }
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("SyncServer: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Flags override the config file's values.
    static func parse(_ arguments: [String]) throws -> Configuration {
        var configuration = Configuration()
        var flags: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            guard flag.hasPrefix("--"), index + 1 < arguments.count else {
                throw Failure(
                    "usage: SyncServer [--config FILE] [--db FILE] [--listen HOST:PORT] [--sync-interval SECONDS] [--log-level LEVEL]"
                )
            }
            flags[String(flag.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        if let path = flags.removeValue(forKey: "config") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Failure("cannot read config file \(path)")
            }
            do {
                configuration = try JSONDecoder().decode(Configuration.self, from: data)
            } catch {
                throw Failure("config file \(path) is not valid: \(error)")
            }
        }
        for (flag, value) in flags {
            switch flag {
            case "db": configuration.db = value
            case "listen": configuration.listen = value
            case "sync-interval":
                guard let seconds = Double(value), seconds > 0 else {
                    throw Failure("--sync-interval must be seconds above 0")
                }
                configuration.syncInterval = seconds
            case "log-level": configuration.logLevel = value
            default:
                throw Failure(
                    "unknown option --\(flag); allowed: --config, --db, --listen, --sync-interval, --log-level")
            }
        }
        return configuration
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
