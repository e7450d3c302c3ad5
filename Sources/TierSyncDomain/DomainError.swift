/// A refusal of bad input, naming the field, the value and what is allowed.
///
/// ```swift
/// DomainError.invalidValue(field: "phone", value: "123", allowed: "an 11-digit mobile number")
///     .description
/// // "invalid phone '123': expected an 11-digit mobile number"
/// ```
public struct DomainError: Error, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        /// Bad or missing values of fields, every one found (at least one).
        case fields([FieldIssue])
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
        case tooManyAttempts(retryAfterSeconds: Int)
        /// A procedure's rule (a lock, an approval order, who records a verdict), worded for
        /// the CLI and for a clerk.
        case procedure(english: String, chinese: String, forbidden: Bool)
        /// A file or a total over a limit a hub sets, worded for the CLI and for a clerk.
        case tooLarge(english: String, chinese: String)
    }

    /// What kind of refusal this is, for an edge that maps errors (HTTP status codes).
    public enum Kind: Sendable { case badInput, notFound, unauthorized, forbidden, unavailable, throttled, tooLarge }

    public var kind: Kind {
        switch code {
        case .notFound: return .notFound
        case .unauthorized: return .unauthorized
        case .forbidden, .outsideSubtree: return .forbidden
        case .procedure(_, _, let forbidden): return forbidden ? .forbidden : .badInput
        case .unavailable: return .unavailable
        case .tooManyAttempts: return .throttled
        case .tooLarge: return .tooLarge
        default: return .badInput
        }
    }

    private let code: Code

    public static func invalidValue(
        field: String, value: String, allowed: String, rule: FieldIssue.Rule = .other(chinese: nil)
    ) -> DomainError {
        .init(code: .fields([FieldIssue(field: field, value: value, rule: rule, allowed: allowed)]))
    }
    public static func missingField(_ field: String, kind: String, hint: String = "", because: String? = nil)
        -> DomainError
    {
        .init(code: .fields([.missing(field, kind: kind, hint: hint, because: because)]))
    }
    /// Every issue found in a form; the CLI prints the first.
    public static func invalid(_ issues: [FieldIssue]) -> DomainError {
        precondition(!issues.isEmpty, "a refusal names at least one issue")
        return .init(code: .fields(issues))
    }

    /// The field issues of a refusal of bad values (none for other refusals).
    public var issues: [FieldIssue] {
        if case .fields(let issues) = code { return issues }
        if case .insufficientStock(let item, let site, let held, let requested) = code {
            return [
                FieldIssue(
                    field: "quantity", value: requested, rule: .insufficientStock(held: held),
                    allowed: "at most \(held) (the stock of \(item) at site '\(site)')", english: description)
            ]
        }
        if case .unknownOrg(let code) = code {
            return [
                FieldIssue(field: "org", value: code, rule: .unknownOrg, allowed: "an org code", english: description)
            ]
        }
        if case .outsideSubtree(let org, let nodeOrg) = code {
            return [
                FieldIssue(
                    field: "org", value: org, rule: .outsideSubtree(scope: nodeOrg), allowed: "an org of \(nodeOrg)",
                    english: description)
            ]
        }
        return []
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
    /// A request of child `node`, whose credential was revoked at `time`.
    public static func revoked(node: String, at time: String) -> DomainError {
        .unauthorized("node \(node) was revoked at \(time)")
    }
    public static func forbidden(_ reason: String) -> DomainError { .init(code: .forbidden(reason: reason)) }
    /// Not possible yet, but later: the caller should retry.
    public static func unavailable(_ reason: String) -> DomainError { .init(code: .unavailable(reason: reason)) }
    /// Too many wrong passwords in a row: the next try is possible after a wait.
    public static func tooManyAttempts(retryAfterSeconds: Int) -> DomainError {
        .init(code: .tooManyAttempts(retryAfterSeconds: retryAfterSeconds))
    }
    /// A refusal by a procedure's rule: `english` for the CLI and logs, `chinese` for a page.
    /// `forbidden` when the person or node may not do it at all (a lock), not a fixable input.
    public static func procedure(_ english: String, chinese: String, forbidden: Bool = true) -> DomainError {
        .init(code: .procedure(english: english, chinese: chinese, forbidden: forbidden))
    }
    /// A file, or what a child has sent in all, over a limit: `english` names the limit and
    /// the setting that raises it, `chinese` says it for a clerk.
    public static func tooLarge(_ english: String, chinese: String) -> DomainError {
        .init(code: .tooLarge(english: english, chinese: chinese))
    }
    /// The Chinese sentence of a procedure's refusal, which names units and people.
    public var chinese: String? {
        switch code {
        case .procedure(_, let chinese, _), .tooLarge(_, let chinese): return chinese
        default: return nil
        }
    }
    /// What was not found (the kind and the id asked for), for a refusal of that kind.
    public var missing: (kind: String, id: String)? {
        if case .notFound(let kind, let id) = code { return (kind, id) }
        return nil
    }
    /// Seconds to wait before trying again, for a refusal of too many attempts.
    public var retryAfterSeconds: Int? {
        if case .tooManyAttempts(let seconds) = code { return seconds }
        return nil
    }
    public static func badSeeds(file: String, line: Int, reason: String) -> DomainError {
        .init(code: .badSeeds(file: file, line: line, reason: reason))
    }

    public var description: String {
        switch code {
        case .fields(let issues):
            return issues[0].english
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
        case .tooManyAttempts(let seconds):
            return "too many wrong passwords: try again in \(seconds) s"
        case .badSeeds(let file, let line, let reason):
            return "seeds file \(file), line \(line): \(reason)"
        case .procedure(let english, _, _), .tooLarge(let english, _):
            return english
        }
    }
}
