/// A refusal of bad input, naming the field, the value and what is allowed.
///
/// ```swift
/// DomainError.invalidValue(field: "phone", value: "123", allowed: "an 11-digit mobile number")
///     .description
/// // "invalid phone '123': expected an 11-digit mobile number"
/// ```
public struct DomainError: Error, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case invalidValue(field: String, value: String, allowed: String)
        case missingField(field: String, kind: String, hint: String)
        case unknownField(field: String, kind: String, allowed: [String])
        case unknownOrg(code: String)
        case outsideSubtree(org: String, nodeOrg: String)
        case insufficientStock(item: String, site: String, held: String, requested: String)
        case immutable(kind: String, hint: String)
        case notFound(kind: String, id: String)
        case badSeeds(file: String, line: Int, reason: String)
        case unauthorized(reason: String)
        case forbidden(reason: String)
        case unavailable(reason: String)
    }

    /// What kind of refusal this is, for an edge that maps errors (HTTP status codes).
    public enum Kind: Sendable { case badInput, notFound, unauthorized, forbidden, unavailable }

    public var kind: Kind {
        switch code {
        case .notFound: return .notFound
        case .unauthorized: return .unauthorized
        case .forbidden, .outsideSubtree: return .forbidden
        case .unavailable: return .unavailable
        default: return .badInput
        }
    }

    private let code: Code

    public static func invalidValue(field: String, value: String, allowed: String) -> DomainError {
        .init(code: .invalidValue(field: field, value: value, allowed: allowed))
    }
    public static func missingField(_ field: String, kind: String, hint: String = "") -> DomainError {
        .init(code: .missingField(field: field, kind: kind, hint: hint))
    }
    public static func unknownField(_ field: String, kind: String, allowed: [String]) -> DomainError {
        .init(code: .unknownField(field: field, kind: kind, allowed: allowed))
    }
    public static func unknownOrg(_ code: String) -> DomainError { .init(code: .unknownOrg(code: code)) }
    public static func outsideSubtree(org: String, nodeOrg: String) -> DomainError {
        .init(code: .outsideSubtree(org: org, nodeOrg: nodeOrg))
    }
    public static func insufficientStock(item: String, site: String, held: String, requested: String) -> DomainError {
        .init(code: .insufficientStock(item: item, site: site, held: held, requested: requested))
    }
    public static func immutable(kind: String, hint: String) -> DomainError {
        .init(code: .immutable(kind: kind, hint: hint))
    }
    public static func notFound(kind: String, id: String) -> DomainError { .init(code: .notFound(kind: kind, id: id)) }
    public static func unauthorized(_ reason: String) -> DomainError { .init(code: .unauthorized(reason: reason)) }
    public static func forbidden(_ reason: String) -> DomainError { .init(code: .forbidden(reason: reason)) }
    /// Not possible yet, but later: the caller should retry.
    public static func unavailable(_ reason: String) -> DomainError { .init(code: .unavailable(reason: reason)) }
    public static func badSeeds(file: String, line: Int, reason: String) -> DomainError {
        .init(code: .badSeeds(file: file, line: line, reason: reason))
    }

    public var description: String {
        switch code {
        case .invalidValue(let field, let value, let allowed):
            return "invalid \(field) '\(value)': expected \(allowed)"
        case .missingField(let field, let kind, let hint):
            return "missing \(field) for \(kind)" + (hint.isEmpty ? "" : ": \(hint)")
        case .unknownField(let field, let kind, let allowed):
            return "unknown field '\(field)' for \(kind); allowed: \(allowed.joined(separator: ", "))"
        case .unknownOrg(let code):
            return "unknown org '\(code)': not in this node's org hierarchy (see `tiersync orgs`)"
        case .outsideSubtree(let org, let nodeOrg):
            return
                "org \(org) is outside this node's subtree (\(nodeOrg)): a node writes only its own records and those of units below it"
        case .insufficientStock(let item, let site, let held, let requested):
            return "cannot issue \(requested) of \(item) at site '\(site)': it holds only \(held)"
        case .immutable(let kind, let hint):
            return "\(kind) records cannot be changed or deleted: \(hint)"
        case .notFound(let kind, let id):
            return "no \(kind) with id \(id)"
        case .unauthorized(let reason):
            return "not authenticated: \(reason)"
        case .forbidden(let reason):
            return "forbidden: \(reason)"
        case .unavailable(let reason):
            return "not available yet: \(reason)"
        case .badSeeds(let file, let line, let reason):
            return "seeds file \(file), line \(line): \(reason)"
        }
    }
}
