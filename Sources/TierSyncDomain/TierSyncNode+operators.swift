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

        public init(id: String, name: String, org: String, credential: String) {
            (self.id, self.name, self.org, self.credential) = (id, name, org, credential)
        }
    }

    /// Creates an operator who sees the subtree of `orgCode` (default: this node's org).
    public func addOperator(name: String, org orgCode: String? = nil) throws -> IssuedOperator {
        let (account, credential) = try Self.newOperator(name: name, at: store.wallClock.nowMilliseconds())
        let scope = try store.write { writer in
            var account = account
            account.org = try writableOrg(orgCode ?? writeScope.code, db: writer.db).code
            try account.insert(writer.db)
            return account.org
        }
        return IssuedOperator(id: account.id, name: account.name, org: scope, credential: credential)
    }

    /// A new operator named `name` (checked), with a new id and credential, made at `now`;
    /// its org is for the caller to set. Any store keeps it as it is.
    ///
    /// - Returns: the account to store, and the credential to show once.
    public static func newOperator(name: String, at now: Int64) throws -> (OperatorAccount, credential: String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw DomainError.invalidValue(field: "name", value: name, allowed: "a person's name, 1 to 100 characters")
        }
        var random = SystemRandomNumberGenerator()
        let id = "op-" + String(format: "%08llx", random.next() >> 32)
        let credential = Credential.issue(id: id)
        let account = OperatorAccount(
            id: id, name: name, org: "", credentialHash: credential.hash,
            createdAt: ISOTimestamp.format(milliseconds: now))
        return (account, credential.text)
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
        let (account, scope) = try Self.authenticateOperator(credential) { id in
            try store.read { db -> (OperatorAccount, OrgUnit)? in
                guard let account = try OperatorAccount.fetchOne(db, key: id) else { return nil }
                return (account, try orgUnit(account.org, db: db))
            }
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

    /// The operator presenting `credential`, not revoked, found by `find` (an operator id →
    /// the account and the unit it sees), on any store.
    public static func authenticateOperator(
        _ credential: String, find: (String) throws -> (OperatorAccount, OrgUnit)?
    ) throws -> (account: OperatorAccount, scope: OrgUnit) {
        guard let presented = Credential(parsing: credential), presented.id.hasPrefix("op-") else {
            throw DomainError.unauthorized("an operator credential is op-ID.SECRET (from `tiersync operator add`)")
        }
        guard let (account, scope) = try find(presented.id), presented.matches(hash: account.credentialHash) else {
            throw DomainError.unauthorized("unknown or wrong operator credential")
        }
        if let revoked = account.revokedAt {
            throw DomainError.unauthorized("operator \(account.id) was revoked at \(revoked)")
        }
        return (account, scope)
    }
}
