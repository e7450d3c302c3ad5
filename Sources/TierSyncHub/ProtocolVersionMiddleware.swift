import HTTPTypes
import Hummingbird
import TierSyncProtocol

/// Refuses a request that does not speak one of this hub's protocol versions, naming both
/// sides' versions and which side to upgrade, before any handler runs. Every answer names the
/// versions the hub speaks (`TierSync-Protocol-Versions`), so a client that speaks several
/// picks the newest both speak.
struct ProtocolVersionMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name(SyncProtocol.versionHeader)! }
    static var versionsHeader: HTTPField.Name { HTTPField.Name(SyncProtocol.versionsHeader)! }

    /// The versions this hub speaks.
    let supported: ClosedRange<Int>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let spoken = request.headers[Self.header]
        guard let version = spoken.flatMap({ Int($0) }), supported.contains(version) else {
            let ours = SyncProtocol.text(supported)
            var message =
                "incompatible protocol: the client speaks version \(spoken ?? "none (no \(SyncProtocol.versionHeader) header)"), "
                + "this hub speaks version \(ours)"
            if let version = spoken.flatMap({ Int($0) }) {
                message += ": " + SyncProtocol.upgradeAdvice(client: version...version, hub: supported)
            }
            var response = HubError.badRequest(message).response()
            response.headers[Self.versionsHeader] = ours
            return response
        }
        var response = try await next(request, context)
        response.headers[Self.versionsHeader] = SyncProtocol.text(supported)
        return response
    }
}
