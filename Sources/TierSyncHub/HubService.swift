import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import TierSyncDomain
import TierSyncProtocol

/// The HTTP service a node with children runs for them: protocol v1 under `/v1/`.
///
/// ```swift
/// let hub = HubService(node: node)
/// let app = hub.application(host: "127.0.0.1", port: 0) { port in print("listening on \(port)") }
/// try await app.runService()
/// ```
///
/// Every sync request is authenticated with the child's node credential; what a child may
/// write and read is its own subtree (and what ancestors share), enforced by the domain.
/// Database work is blocking, so it runs on NIO's thread pool, never on an event loop.
public struct HubService: Sendable {
    public let node: TierSyncNode
    let logger: Logger

    public init(node: TierSyncNode, logger: Logger = Logger(label: "tiersync.hub")) {
        self.node = node
        self.logger = logger
    }

    /// The application serving the hub's routes on `host:port` (port 0 picks a free one,
    /// reported to `onListening`).
    public func application(
        host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.middlewares.add(ProtocolVersionMiddleware())
        let routes = HubRoutes(node: node, logger: logger)
        router.post("v1/enroll") { request, _ in try await routes.enroll(request) }
        router.post("v1/push") { request, _ in try await routes.push(request) }
        router.get("v1/pull") { request, _ in try await routes.pull(request) }
        router.get("v1/status") { request, _ in try await routes.status(request) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "TierSync"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

/// Runs blocking database work off the event loops.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(work)
}
