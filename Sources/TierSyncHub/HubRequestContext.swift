import Hummingbird
import NIOCore

/// The request context of a node's server: Hummingbird's basics plus the peer's address,
/// which the sign-in form's slow-down counts wrong passwords by.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text (`127.0.0.1`), or `unknown`.
    public var peerAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
