import HTTPTypes
import Hummingbird

/// Answers 405 with `Allow` for a method a known path does not serve (TRACE, DELETE, a GET
/// of a form's POST-only path), where the router alone would answer 404 as for a path that
/// does not exist.
///
/// ```swift
/// router.add(middleware: MethodNotAllowedMiddleware(routes: [("POST", "/v1/push")]))
/// // TRACE /v1/push → 405, Allow: POST
/// ```
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each route's method and path template (`/records/{kind}/{id}`).
    let routes: [(method: String, path: [Substring])]

    public init(routes: [(method: String, path: String)]) {
        self.routes = routes.map { ($0.method, $0.path.split(separator: "/")) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/")
            let allowed = Set(routes.filter { Self.matches($0.path, segments) }.map(\.method)).sorted()
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            var response = HubError(
                status: .methodNotAllowed,
                message:
                    "\(request.method.rawValue) is not served at \(request.uri.path); it takes \(allowed.joined(separator: ", "))"
            ).response()
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
    }

    /// True when `segments` fit `template`, where `{name}` takes any one segment.
    static func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        template.count == segments.count
            && zip(template, segments).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern == segment }
    }
}
