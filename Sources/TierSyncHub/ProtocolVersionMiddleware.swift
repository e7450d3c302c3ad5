import HTTPTypes
import Hummingbird
import TierSyncProtocol

/// Refuses a request that does not speak this hub's protocol version, naming both versions,
/// before any handler runs.
struct ProtocolVersionMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name(SyncProtocol.versionHeader)! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let spoken = request.headers[Self.header]
        guard spoken == String(SyncProtocol.version) else {
            throw HubError.badRequest(
                "incompatible protocol: the client speaks version \(spoken ?? "none (no \(SyncProtocol.versionHeader) header)"), "
                    + "this hub speaks version \(SyncProtocol.version)")
        }
        return try await next(request, context)
    }
}
