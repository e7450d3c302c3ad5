import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

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
    /// What the routes serve from: a SQLite node or a PostgreSQL store.
    public let hub: any SyncHub
    public let logger: Logger

    /// How long a browser session lives without a request (the site's pages, and the reports
    /// a signed-in person downloads from them).
    public let idleLimit: Int64

    /// What `/metrics` shows; shared with the site's pages when they are served beside.
    public let metrics: HubMetrics

    /// How large a file, and how much in all, each child may send.
    let fileLimits: TierSyncNode.FileLimits
    /// The protocol versions the hub speaks (another range only in tests of negotiation).
    let protocols: ClosedRange<Int>
    /// Children's pushes, applied together in as few transactions as the load allows.
    public let groupCommit: GroupCommit<ChildPush, AcceptedPush>
    /// The children's credentials, checked before a push's body is read.
    let knownCredentials = KnownCredentials()

    /// A hub over a SQLite node.
    public init(
        node: TierSyncNode, idleLimit: Int64 = TierSyncNode.defaultIdleLimit,
        logger: Logger = Logger(label: "tiersync.hub"), metrics: HubMetrics = HubMetrics(),
        fileLimits: TierSyncNode.FileLimits = .init(), protocols: ClosedRange<Int> = SyncProtocol.supported
    ) {
        self.init(
            hub: node as any SyncHub, idleLimit: idleLimit, logger: logger, metrics: metrics, fileLimits: fileLimits,
            protocols: protocols)
    }

    /// A hub over any store (`SyncHub`): the sync routes, files, reports and metrics.
    public init(
        hub: any SyncHub, idleLimit: Int64 = TierSyncNode.defaultIdleLimit,
        logger: Logger = Logger(label: "tiersync.hub"), metrics: HubMetrics = HubMetrics(),
        fileLimits: TierSyncNode.FileLimits = .init(), protocols: ClosedRange<Int> = SyncProtocol.supported
    ) {
        self.hub = hub
        self.idleLimit = idleLimit
        self.logger = logger
        self.metrics = metrics
        self.fileLimits = fileLimits
        self.protocols = protocols
        self.groupCommit = GroupCommit(hub: hub, observe: { metrics.groupCommitted(pushes: $0, duration: $1) })
    }

    /// The application serving the hub's routes on `host:port` (port 0 picks a free one,
    /// reported to `onListening`).
    ///
    /// - Parameter services: run beside the server and shut down with it (the upward sync loop).
    public func application(
        host: String, port: Int, services: [any Service] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: BodyLimitMiddleware(limits: Self.bodyLimits, otherwise: Self.smallBody))
        router.add(middleware: MethodNotAllowedMiddleware(routes: Self.routes.map { ($0.method, $0.path) }))
        register(on: router)
        return Self.application(
            router: router, host: host, port: port, services: services, logger: logger, onListening: onListening)
    }

    /// The largest body of each route that takes a large one; the rest take `smallBody`.
    /// (Middleware must be added to a router before its routes.)
    public static let bodyLimits = ["/v1/push": SyncProtocol.maxBody, "/v1/blobs/": BlobStore.chunkSize + (64 << 10)]
    /// What an enrollment or a form needs, and more.
    public static let smallBody = 64 << 10

    /// Adds the routes of protocol v1 and the operators' reports to `router`.
    public func register(on router: Router<HubRequestContext>) {
        // Sync requests must speak this hub's protocol version; operators' reports are read
        // by people and scripts, with curl or a browser, and need no header.
        let sync = router.group().add(middleware: ProtocolVersionMiddleware(supported: protocols))
        for route in Self.routes {
            let method = HTTPRequest.Method(route.method)!
            let respond: @Sendable (Request, HubRequestContext) async throws -> Response = { request, context in
                // The request's own logger: its lines carry `hb.request.id`.
                let routes = HubRoutes(
                    hub: hub, logger: context.logger, idleLimit: idleLimit, metrics: metrics,
                    fileLimits: fileLimits,
                    groupCommit: groupCommit, knownCredentials: knownCredentials)
                return try await route.handler(routes, request) { context.parameters.get($0) ?? "" }
            }
            switch route.audience {
            case .nodes: sync.on(RouterPath(route.path), method: method, use: respond)
            case .operators: router.on(RouterPath(route.path), method: method, use: respond)
            }
        }
    }

    /// How many connections may wait to be accepted (the kernel caps it at `net.core.somaxconn`,
    /// 4096 on Linux since 5.4).
    ///
    /// Townships reconnect together when a shared link comes back, and then wait for the hub in
    /// this queue. Hummingbird's default, 256, is too short for that: 1,000 pushes arriving at
    /// once overflowed it, and the kernel dropped about 200 connection requests, each retried by
    /// its client a second later (`netstat -s`: "times the listen queue of a socket
    /// overflowed"), which made the fan-in's p99 a second longer than its writer needed.
    public static let listenBacklog = 4096

    /// The server for `router` on `host:port`.
    public static func application(
        router: Router<HubRequestContext>, host: String, port: Int, services: [any Service], logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router,
            configuration: .init(
                address: .hostname(host, port: port), serverName: "TierSync", backlog: listenBacklog),
            services: services,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// The cookie that holds a browser's session id (never a credential).
    public static let sessionCookie = "tiersync_session"

    /// The value of cookie `name` of `request`.
    public static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == name { return String(parts[1]) }
            }
        }
        return nil
    }
}

extension HubService {
    /// Where a hub listens: `HOST:PORT`, port 0 for any free one.
    ///
    /// ```swift
    /// HubService.Address(parsing: "127.0.0.1:8080")?.port   // 8080
    /// ```
    public struct Address: Sendable, Equatable {
        public let host: String
        public let port: Int

        public init?(parsing text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (0...65535).contains(port) else {
                return nil
            }
            (host, self.port) = (String(parts[0]), port)
        }
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
        /// The handler, given the routes, the request and its path parameters by name.
        let handler: @Sendable (HubRoutes, Request, (String) -> String) async throws -> Response

        init(
            _ method: String, _ path: String, _ audience: Audience,
            _ handler: @escaping @Sendable (HubRoutes, Request, (String) -> String) async throws -> Response
        ) {
            (self.method, self.path, self.audience, self.handler) = (method, path, audience, handler)
        }

        init(
            _ method: String, _ path: String, _ audience: Audience,
            _ handler: @escaping @Sendable (HubRoutes, Request) async throws -> Response
        ) {
            self.init(method, path, audience) { routes, request, _ in try await handler(routes, request) }
        }
    }

    public static let routes: [Route] = [
        Route("POST", "/v1/enroll", .nodes) { try await $0.enroll($1) },
        Route("POST", "/v1/push", .nodes) { try await $0.push($1) },
        Route("GET", "/v1/pull", .nodes) { try await $0.pull($1) },
        Route("GET", "/v1/snapshot", .nodes) { try await $0.snapshot($1) },
        Route("GET", "/v1/status", .nodes) { try await $0.status($1) },
        Route("GET", "/v1/blobs/{sha256}", .nodes) { try await $0.blobStatus($1, sha256: $2("sha256")) },
        Route("GET", "/v1/blobs/{sha256}/chunks/{index}", .nodes) {
            try await $0.blobChunk($1, sha256: $2("sha256"), index: $2("index"))
        },
        Route("PUT", "/v1/blobs/{sha256}/chunks/{index}", .nodes) {
            try await $0.receiveChunk($1, sha256: $2("sha256"), index: $2("index"))
        },
        Route("GET", "/v1/reports/{kind}", .operators) { try await $0.report($1, kind: $2("kind")) },
        Route("GET", "/metrics", .operators) { try await $0.metrics($1) },
    ]
}
