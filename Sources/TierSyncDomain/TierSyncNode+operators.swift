import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Operators: the people who read a hub's reports and dashboard. Each has a credential of
/// their own (the hub keeps only its hash) and sees the subtree of one org, so a county
/// officer on the city hub sees that county only.
extension TierSyncNode {
    /// A new operator's credential, shown once.
    public struct IssuedOperator: Codable, Sendable {
        public let id: String
        public let name: String
        public let org: String
        /// `op-ID.SECRET`: sent as `Authorization: Bearer …`, or typed into the dashboard.
        public let credential: String
    }

    /// Creates an operator who sees the subtree of `orgCode` (default: this node's org).
    public func addOperator(name: String, org orgCode: String? = nil) throws -> IssuedOperator {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw DomainError.invalidValue(field: "name", value: name, allowed: "a person's name, 1 to 100 characters")
        }
        var random = SystemRandomNumberGenerator()
        let id = "op-" + String(format: "%08llx", random.next() >> 32)
        let credential = Credential.issue(id: id)
        let scope = try store.write { writer in
            let unit = try writableOrg(orgCode ?? org.code, db: writer.db)
            try OperatorAccount(
                id: id, name: name, org: unit.code, credentialHash: credential.hash,
                createdAt: ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
            ).insert(writer.db)
            return unit.code
        }
        return IssuedOperator(id: id, name: name, org: scope, credential: credential.text)
    }

    /// Every operator, revoked ones included.
    public func operators() throws -> [OperatorAccount] {
        try store.read { db in try OperatorAccount.order(Column("org"), Column("name")).fetchAll(db) }
    }

    /// Revokes an operator's credential: their requests get 401 from now on.
    public func revokeOperator(_ id: String) throws {
        try store.write { writer in
            guard var account = try OperatorAccount.fetchOne(writer.db, key: id) else {
                throw DomainError.notFound(kind: "operator", id: id)
            }
            account.revokedAt = ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
            try account.update(writer.db)
        }
    }

    /// The operator presenting `credential` (`op-ID.SECRET`), not revoked, with the org unit
    /// they see. Records when they were last seen, at most once a minute.
    public func authenticateOperator(credential: String) throws -> (account: OperatorAccount, scope: OrgUnit) {
        guard let presented = Credential(parsing: credential), presented.id.hasPrefix("op-") else {
            throw DomainError.unauthorized("an operator credential is op-ID.SECRET (from `tiersync operator add`)")
        }
        let found = try store.read { db -> (OperatorAccount, OrgUnit)? in
            guard let account = try OperatorAccount.fetchOne(db, key: presented.id) else { return nil }
            return (account, try orgUnit(account.org, db: db))
        }
        guard let (account, scope) = found, presented.matches(hash: account.credentialHash) else {
            throw DomainError.unauthorized("unknown or wrong operator credential")
        }
        guard account.revokedAt == nil else {
            throw DomainError.unauthorized("operator \(account.id) was revoked at \(account.revokedAt!)")
        }
        if isStale(account.lastSeen) {
            let now = store.wallClock.nowMilliseconds()
            try store.write { writer in
                try writer.db.execute(
                    sql: "UPDATE operator SET last_seen = ? WHERE id = ?",
                    arguments: [ISOTimestamp.format(milliseconds: now), account.id])
            }
        }
        return (account, scope)
    }

    /// The unit `code` when an operator who sees `scope` may look at it; not found, or
    /// forbidden, otherwise.
    public func visibleOrg(_ code: String, to scope: OrgUnit) throws -> OrgUnit {
        guard let unit = try store.read({ db in try OrgUnit.fetchOne(db, key: code) }) else {
            throw DomainError.notFound(kind: "org", id: code)
        }
        guard scope.contains(unit) else {
            throw DomainError.forbidden(
                "org \(code) \(unit.name) is outside \(scope.code) \(scope.name), the subtree this operator sees")
        }
        return unit
    }
}
