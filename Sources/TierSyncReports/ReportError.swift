/// A report that cannot be made, with what was wrong and what is allowed.
///
/// ```swift
/// ReportError.unknownOrg("999").description
/// // "unknown org '999': not in this node's org hierarchy (see `tiersync orgs`)"
/// ```
public struct ReportError: Error, Equatable, CustomStringConvertible, Sendable {
    private enum Code: Equatable {
        case unknownOrg(String)
        case invalidOption(name: String, value: String, allowed: String)
    }

    private let code: Code

    /// Mapped to 404 by an HTTP edge; every other refusal is bad input.
    public var isNotFound: Bool {
        if case .unknownOrg = code { return true }
        return false
    }

    public static func unknownOrg(_ code: String) -> ReportError { ReportError(code: .unknownOrg(code)) }

    public static func invalidOption(_ name: String, value: String, allowed: String) -> ReportError {
        ReportError(code: .invalidOption(name: name, value: value, allowed: allowed))
    }

    public var description: String {
        switch code {
        case .unknownOrg(let org):
            return "unknown org '\(org)': not in this node's org hierarchy (see `tiersync orgs`)"
        case .invalidOption(let name, let value, let allowed):
            return "invalid \(name) '\(value)': expected \(allowed)"
        }
    }
}
