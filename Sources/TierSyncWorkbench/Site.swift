import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub
import TierSyncReports

/// The one site every node serves (`tiersync serve`): protocol v1 for its children, and for
/// its staff the workbench (录入, 同步, 冲突, 账号) and, where it has a subtree, the consolidated
/// view (汇总). Pages are rendered on the server and work without JavaScript.
///
/// ```swift
/// let app = Site(node: node).application(host: "127.0.0.1", port: 0) { port in print(port) }
/// try await app.runService()
/// ```
public struct Site: Sendable {
    public let node: any WorkbenchNode
    let logger: Logger
    /// How long a browser session lives without a request, in milliseconds.
    let idleLimit: Int64
    /// How large a file, and how much in all, each child may send.
    let fileLimits: TierSyncNode.FileLimits

    public init(
        node: any WorkbenchNode, idleLimit: Int64 = TierSyncNode.defaultIdleLimit,
        logger: Logger = Logger(label: "tiersync.site"), fileLimits: TierSyncNode.FileLimits = .init()
    ) {
        self.node = node
        self.idleLimit = idleLimit
        self.logger = logger
        self.fileLimits = fileLimits
    }

    /// The server on `host:port` (port 0: any free one, reported to `onListening`).
    public func application(
        host: String, port: Int, services: [any Service] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let hub = HubService(hub: node, idleLimit: idleLimit, logger: logger, fileLimits: fileLimits)
        let uploads = [
            "/sync/bundle": Pages.maxBundle, "/import": Pages.maxSpreadsheet,
            "/records/{kind}/{id}/attachments": Pages.maxAttachmentBody(fileLimits),
        ]
        let router = hub.siteRouter(pageRoutes: Self.routes.map { ($0.method, $0.path) }, uploads: uploads)
        let hasSubtree = ((try? node.orgs(under: node.hubOrg.code).count) ?? 0) > 1
        let pages = Pages(
            node: node, logger: logger, idleLimit: idleLimit, hasSubtree: hasSubtree, fileLimits: fileLimits)
        // The first officer to open the node's own overview should not wait for its grouping.
        if hasSubtree { pages.rollups.warm(hub: node, org: node.hubOrg.code, options: ReportOptions()) }
        router.addPages(pages, Self.routes.map { ($0.method, $0.path, $0.handler) })
        return HubService.application(
            router: router, host: host, port: port, services: services, logger: logger, onListening: onListening)
    }
}

extension Site {
    /// A page route: what `SyncServer/openapi.yaml` documents beside protocol v1.
    public struct Route: Sendable {
        public let method: String
        public let path: String
        let handler: @Sendable (Pages, PageRequest) async throws -> Response

        init(
            _ method: String, _ path: String,
            _ handler: @escaping @Sendable (Pages, PageRequest) async throws -> Response
        ) {
            (self.method, self.path, self.handler) = (method, path, handler)
        }
    }

    public static let routes: [Route] = [
        Route("GET", "/") { try await $0.home($1) },
        Route("GET", "/login") { try await $0.loginForm($1) },
        Route("POST", "/login") { try await $0.login($1) },
        Route("POST", "/logout") { try await $0.logout($1) },
        Route("GET", "/records") { try await $0.recordsIndex($1) },
        Route("GET", "/records/{kind}") { try await $0.list($1) },
        Route("GET", "/records/{kind}/new") { try await $0.newForm($1) },
        Route("POST", "/records/{kind}/new") { try await $0.create($1) },
        Route("GET", "/records/{kind}/{id}") { try await $0.view($1) },
        Route("POST", "/records/{kind}/{id}") { try await $0.update($1) },
        Route("GET", "/records/{kind}/{id}/delete") { try await $0.confirmDelete($1) },
        Route("POST", "/records/{kind}/{id}/delete") { try await $0.delete($1) },
        Route("POST", "/records/{kind}/{id}/approve") { try await $0.approve($1) },
        Route("POST", "/records/{kind}/{id}/unapprove") { try await $0.unapprove($1) },
        Route("POST", "/records/{kind}/{id}/file") { try await $0.filePlan($1) },
        Route("POST", "/records/{kind}/{id}/verdict") { try await $0.verdict($1) },
        Route("POST", "/records/{kind}/{id}/closeout") { try await $0.requestCloseout($1) },
        Route("POST", "/records/{kind}/{id}/return") { try await $0.returnCloseout($1) },
        Route("POST", "/records/{kind}/{id}/read") { try await $0.markRead($1) },
        Route("POST", "/records/{kind}/{id}/attachments") { try await $0.uploadAttachment($1) },
        Route("GET", "/attachments/{id}") { try await $0.downloadAttachment($1) },
        Route("POST", "/attachments/{id}/remove") { try await $0.removeAttachment($1) },
        Route("GET", "/review") { try await $0.review($1) },
        Route("GET", "/import") { try await $0.importForm($1) },
        Route("POST", "/import") { try await $0.importUpload($1) },
        Route("GET", "/import/template/{kind}") { try await $0.importTemplate($1) },
        Route("GET", "/export.xlsx") { try await $0.exportWorkbook($1) },
        Route("GET", "/periods") { try await $0.periods($1) },
        Route("POST", "/amendments/{id}") { try await $0.decideAmendment($1) },
        Route("GET", "/stock") { try await $0.stock($1) },
        Route("GET", "/stock/items/{id}") { try await $0.stockItem($1) },
        Route("GET", "/stock/{movement}") { try await $0.movementForm($1) },
        Route("POST", "/stock/{movement}") { try await $0.recordMovement($1) },
        Route("POST", "/stock/events/{id}/reverse") { try await $0.reverse($1) },
        Route("GET", "/sync") { try await $0.syncPage($1) },
        Route("POST", "/sync/now") { try await $0.syncNow($1) },
        Route("POST", "/sync/join") { try await $0.join($1) },
        Route("POST", "/sync/enroll") { try await $0.enroll($1) },
        Route("GET", "/sync/bundle") { try await $0.exportBundle($1) },
        Route("POST", "/sync/bundle") { try await $0.importBundle($1) },
        Route("GET", "/conflicts") { try await $0.conflicts($1) },
        Route("POST", "/conflicts/{id}") { try await $0.settle($1) },
        Route("GET", "/accounts") { try await $0.accounts($1) },
        Route("POST", "/accounts") { try await $0.addAccount($1) },
        Route("POST", "/accounts/{login}") { try await $0.changeAccount($1) },
        Route("GET", "/orgs/{code}") { try await $0.orgPage($1) },
        Route("GET", "/orgs/{code}/{kind}") { try await $0.reportPage($1) },
    ]
}
