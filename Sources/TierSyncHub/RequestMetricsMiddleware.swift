import HTTPTypes
import Hummingbird

/// Counts every request by its route template and status into `HubMetrics`, and answers
/// with the request's id (`X-Request-Id`, the `hb.request.id` of its log lines), so that a
/// person who reports a failure can point at its logs.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HubMetrics

    public init(metrics: HubMetrics) { self.metrics = metrics }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let route = { context.endpointPath ?? "unmatched" }
        do {
            var response = try await next(request, context)
            metrics.request(route: route(), status: Int(response.status.code))
            // (`context.id` would trap with a log handler that keeps no metadata.)
            if let id = context.logger[metadataKey: "hb.request.id"] { response.headers[Self.requestID] = "\(id)" }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            metrics.request(route: route(), status: Int(status.code))
            throw error
        }
    }

    static var requestID: HTTPField.Name { HTTPField.Name("X-Request-Id")! }
}
