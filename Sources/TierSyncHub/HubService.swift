import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
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
    ///
    /// - Parameter services: run beside the server and shut down with it (the upward sync loop).
    public func application(
        host: String, port: Int, services: [any Service] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        // Sync requests must speak this hub's protocol version; operators' reports and pages
        // are read by people, with curl or a browser, and need no header.
        let sync = router.group().add(middleware: ProtocolVersionMiddleware())
        let routes = HubRoutes(node: node, logger: logger)
        for route in Self.routes {
            let method: HTTPRequest.Method = route.method == "POST" ? .post : .get
            switch route.audience {
            case .nodes: sync.on(RouterPath(route.path), method: method) { try await route.handler(routes)($0, $1) }
            case .operators:
                router.on(RouterPath(route.path), method: method) { try await route.handler(routes)($0, $1) }
            }
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "TierSync"),
            services: services,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

extension HubService {
    /// A route of protocol v1: what `SyncServer/openapi.yaml` documents (a test keeps the two
    /// in step).
    public struct Route: Sendable {
        /// Who calls a route: child nodes syncing (node credential, protocol header), or the
        /// people who read the hub's reports (operator credential).
        public enum Audience: Sendable { case nodes, operators }
        public let method: String
        public let path: String
        public let audience: Audience
        let handler: @Sendable (HubRoutes) -> @Sendable (Request, BasicRequestContext) async throws -> Response
    }

    public static let routes: [Route] = [
        Route(method: "POST", path: "/v1/enroll", audience: .nodes) { routes in
            { request, _ in try await routes.enroll(request) }
        },
        Route(method: "POST", path: "/v1/push", audience: .nodes) { routes in
            { request, _ in try await routes.push(request) }
        },
        Route(method: "GET", path: "/v1/pull", audience: .nodes) { routes in
            { request, _ in try await routes.pull(request) }
        },
        Route(method: "GET", path: "/v1/snapshot", audience: .nodes) { routes in
            { request, _ in try await routes.snapshot(request) }
        },
        Route(method: "GET", path: "/v1/status", audience: .nodes) { routes in
            { request, _ in try await routes.status(request) }
        },
        Route(method: "GET", path: "/v1/reports/{kind}", audience: .operators) { routes in
            { try await routes.report($0, kind: $1.parameters.get("kind") ?? "") }
        },
        // The web dashboard (HubRoutes+dashboard.swift).
        Route(method: "GET", path: "/", audience: .operators) { routes in
            { request, _ in try await routes.home(request) }
        },
        Route(method: "GET", path: "/login", audience: .operators) { routes in
            { request, _ in try await routes.loginForm(request) }
        },
        Route(method: "POST", path: "/login", audience: .operators) { routes in
            { request, _ in try await routes.login(request) }
        },
        Route(method: "POST", path: "/logout", audience: .operators) { routes in
            { request, _ in try await routes.logout(request) }
        },
        Route(method: "GET", path: "/orgs/{code}", audience: .operators) { routes in
            { try await routes.orgPage($0, code: $1.parameters.get("code") ?? "") }
        },
        Route(method: "GET", path: "/orgs/{code}/{kind}", audience: .operators) { routes in
            {
                try await routes.reportPage(
                    $0, code: $1.parameters.get("code") ?? "", kind: $1.parameters.get("kind") ?? "")
            }
        },
    ]
}

/// Runs blocking database work off the event loops.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(work)
}
