/// Why a request to the parent hub failed, as a person can act on it.
public struct ClientError: Error, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case unreachable(url: String, reason: String)
        case refused(status: Int, message: String)
        case badResponse(String)
        case notJoined
    }

    private let code: Code

    public static func unreachable(_ url: String, _ reason: String) -> ClientError {
        .init(code: .unreachable(url: url, reason: reason))
    }
    public static func refused(status: Int, message: String) -> ClientError {
        .init(code: .refused(status: status, message: message))
    }
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
        case .notJoined:
            return "this node has no parent: join one with `tiersync join --db FILE --parent URL --code CODE`"
        }
    }
}
