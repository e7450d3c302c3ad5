import HTTPTypes
import Hummingbird
import TierSyncHub

extension HubService {
    /// The router of a site served beside this hub's routes: request metrics, body limits (a
    /// page answers a too-large upload with a Chinese page, the API with its status), 405 for
    /// a known path asked with another method, and the hub's own routes (protocol v1, reports,
    /// metrics). The site then adds its pages, whose routes are `pageRoutes`.
    func siteRouter(pageRoutes: [(method: String, path: String)], uploads: [String: Int] = [:])
        -> Router<HubRequestContext>
    {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        let hubName = hub.hubOrg.name
        router.add(
            middleware: BodyLimitMiddleware(
                limits: HubService.bodyLimits.merging(uploads) { $1 }, otherwise: PageRequest.maxForm,
                page: { request, limit in
                    request.uri.path.hasPrefix("/v1/")
                        ? nil : Pages.tooLargePage(request, limit: limit, nodeName: hubName)
                }))
        router.add(
            middleware: MethodNotAllowedMiddleware(
                routes: HubService.routes.map { ($0.method, $0.path) } + pageRoutes))
        register(on: router)
        return router
    }
}

extension Router where Context == HubRequestContext {
    /// Adds a site's pages: each request gets `pages` with its own logger (whose lines carry
    /// `hb.request.id`).
    func addPages(
        _ pages: Pages,
        _ routes: [(method: String, path: String, handler: @Sendable (Pages, PageRequest) async throws -> Response)]
    ) {
        for route in routes {
            on(RouterPath(route.path), method: HTTPRequest.Method(route.method)!) { request, context in
                var pages = pages
                pages.logger = context.logger
                return try await route.handler(pages, PageRequest(request: request, context: context))
            }
        }
    }
}
