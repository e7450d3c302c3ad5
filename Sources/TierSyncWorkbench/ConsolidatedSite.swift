import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub
import TierSyncReports

/// What a hub on PostgreSQL serves (`tiersync serve --db postgresql://…`): protocol v1 for its
/// children, `/metrics` and `/v1/reports` for operators' scripts, and for its operators the
/// consolidated view in the browser (`ConsolidatedPages`). Several processes may serve one
/// database; a session started on one is good on every other.
///
/// ```swift
/// let hub = try PostgresHub.open(address: address)
/// let app = ConsolidatedSite(service: HubService(hub: hub), accounts: hub).application(host: "0.0.0.0", port: 8080)
/// try await app.runService()
/// ```
public struct ConsolidatedSite: Sendable {
    public let service: HubService
    /// The hub's people's accounts (its own store).
    public let accounts: any PeopleAccounts

    public init(service: HubService, accounts: any PeopleAccounts) {
        (self.service, self.accounts) = (service, accounts)
    }

    /// The server on `host:port` (port 0: any free one, reported to `onListening`).
    ///
    /// - Parameter services: run beside the server and shut down with it (the upward sync loop).
    public func application(
        host: String, port: Int, services: [any Service] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = service.siteRouter(pageRoutes: Self.routes.map { ($0.method, $0.path) })
        let pages = ConsolidatedPages(
            hub: service.hub, accounts: accounts, logger: service.logger, idleLimit: service.idleLimit,
            rollups: RollupCache())
        // The first officer to open the hub's own overview should not wait for its grouping.
        pages.rollups.warm(hub: service.hub, org: service.hub.hubOrg.code, options: ReportOptions())
        router.addPages(pages, Self.routes.map { ($0.method, $0.path, $0.handler) })
        return HubService.application(
            router: router, host: host, port: port, services: services, logger: service.logger,
            onListening: onListening)
    }

    /// A page route: what `SyncServer/openapi.yaml` documents beside protocol v1.
    struct Route: Sendable {
        let method: String
        let path: String
        let handler: @Sendable (ConsolidatedPages, PageRequest) async throws -> Response

        init(
            _ method: String, _ path: String,
            _ handler: @escaping @Sendable (ConsolidatedPages, PageRequest) async throws -> Response
        ) {
            (self.method, self.path, self.handler) = (method, path, handler)
        }
    }

    static let routes: [Route] = [
        Route("GET", "/") { try await $0.home($1) },
        Route("GET", "/login") { try await $0.loginForm($1) },
        Route("POST", "/login") { try await $0.login($1) },
        Route("POST", "/logout") { try await $0.logout($1) },
        Route("GET", "/orgs/{code}") { try await $0.orgPage($1) },
        Route("GET", "/orgs/{code}/{kind}") { try await $0.reportPage($1) },
    ]
}
