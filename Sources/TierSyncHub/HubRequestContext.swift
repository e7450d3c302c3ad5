import HTTPTypes
import Hummingbird
import NIOCore

/// The request context of a node's server: Hummingbird's basics plus the peer's address,
/// which the sign-in form's slow-down counts wrong passwords by.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The connection, so that a request refused before its body is read can stop reading it.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The peer's IP address as text (`127.0.0.1`), or `unknown`.
    public var peerAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    /// The address of the browser behind a request: the peer's, or, when the peer is a
    /// reverse proxy on this machine (SyncServer/deploy), the last address it forwarded for.
    /// Only a loopback peer is trusted with `X-Forwarded-For`: from anywhere else it could be forged.
    public func clientAddress(_ request: Request) -> String {
        let peer = peerAddress
        guard peer == "127.0.0.1" || peer == "::1",
            let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").last
        else { return peer }
        return forwarded.trimmingCharacters(in: .whitespaces)
    }
}
