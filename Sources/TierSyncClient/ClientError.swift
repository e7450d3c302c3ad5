/// Why a request to the parent hub failed, as a person can act on it.
public struct ClientError: Error, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case unreachable(url: String, reason: String)
        case refused(status: Int, message: String)
        case badResponse(String)
        case notJoined
        case incompatibleProtocol(client: String, hub: String, advice: String)
    }

    private let code: Code

    private init(code: Code) { self.code = code }

    public static func unreachable(_ url: String, _ reason: String) -> ClientError {
        .init(code: .unreachable(url: url, reason: reason))
    }
    public static func refused(status: Int, message: String, hubVersions: ClosedRange<Int>? = nil) -> ClientError {
        var error = ClientError(code: .refused(status: status, message: message))
        error.hubVersions = hubVersions
        return error
    }
    /// The client and the hub share no protocol version; `advice` says which side to upgrade.
    public static func incompatibleProtocol(client: String, hub: String, advice: String) -> ClientError {
        .init(code: .incompatibleProtocol(client: client, hub: hub, advice: advice))
    }

    /// The protocol versions the hub said it speaks, with a refusal.
    public internal(set) var hubVersions: ClosedRange<Int>?
    public static func badResponse(_ reason: String) -> ClientError { .init(code: .badResponse(reason)) }
    public static let notJoined = ClientError(code: .notJoined)

    /// The HTTP status of a refusal; nil for other failures.
    public var status: Int? {
        if case .refused(let status, _) = code { return status }
        return nil
    }

    /// True when retrying later may succeed (the hub is down or overloaded).
    public var isTransient: Bool {
        switch code {
        case .unreachable: return true
        case .refused(let status, _): return status >= 500 || status == 429
        default: return false
        }
    }

    public var description: String {
        switch code {
        case .unreachable(let url, let reason):
            return "parent hub \(url) is unreachable (\(reason)); local changes stay queued"
        case .refused(let status, let message):
            return "parent hub refused the request (HTTP \(status)): \(message)"
        case .badResponse(let reason):
            return "parent hub sent an unreadable response: \(reason)"
        case .incompatibleProtocol(let client, let hub, let advice):
            return "this node speaks protocol version \(client) and the parent hub version \(hub): \(advice)"
        case .notJoined:
            return "this node has no parent: join one with `tiersync join --db FILE --parent URL --code CODE`"
        }
    }
}
