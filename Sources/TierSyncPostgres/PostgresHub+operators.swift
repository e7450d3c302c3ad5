import PostgresNIO
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Operators of a PostgreSQL hub: the people and scripts that read its metrics, each with a
/// credential of their own (only its hash is kept) and the subtree of one org, as on a SQLite
/// node (`TierSyncNode+operators.swift`), whose checks these share.
extension PostgresHub {
    /// Creates an operator who sees the subtree of `orgCode` (default: this hub's org).
    public func addOperator(name: String, org orgCode: String? = nil) throws -> TierSyncNode.IssuedOperator {
        var (account, credential) = try TierSyncNode.newOperator(name: name, at: wallClock.nowMilliseconds())
        try store.write { session in
            account.org = try RecordEdit.writableOrg(orgCode ?? writeScope.code, scope: writeScope) {
                try Self.orgUnit($0, session)
            }.code
            try session.query(
                """
                INSERT INTO "operator" (id, name, org, credential_hash, created_at) VALUES ($1, $2, $3, $4, $5)
                """,
                [
                    .text(account.id), .text(account.name), .text(account.org), .text(account.credentialHash),
                    .text(account.createdAt),
                ])
        }
        return TierSyncNode.IssuedOperator(
            id: account.id, name: account.name, org: account.org, credential: credential)
    }

    /// Every operator, revoked ones included, by org and name.
    public func operators() throws -> [OperatorAccount] {
        try store.withSession { session in
            try session.query(
                "\(Self.selectOperators) ORDER BY org, name"
            ).map(Self.operatorAccount)
        }
    }

    /// The columns `operatorAccount` decodes.
    static let selectOperators =
        #"SELECT id, name, org, credential_hash, created_at, revoked_at, last_seen FROM "operator""#

    static func operatorAccount(_ row: PostgresRow) throws -> OperatorAccount {
        let (id, name, org, hash, created, revoked, seen) = try row.decode(
            (String, String, String, String, String, String?, String?).self)
        var account = OperatorAccount(id: id, name: name, org: org, credentialHash: hash, createdAt: created)
        (account.revokedAt, account.lastSeen) = (revoked, seen)
        return account
    }

    /// Revokes an operator's credential: their requests get 401 from now on.
    public func revokeOperator(_ id: String) throws {
        let revoked = try store.write { session in
            try session.query(
                #"UPDATE "operator" SET revoked_at = $1 WHERE id = $2 RETURNING id"#,
                [.text(ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())), .text(id)])
        }
        if revoked.isEmpty { throw DomainError.notFound(kind: "operator", id: id) }
    }

    public func authenticateOperator(credential: String) throws -> (account: OperatorAccount, scope: OrgUnit) {
        let (account, scope) = try TierSyncNode.authenticateOperator(credential) { id in
            try store.withSession { session -> (OperatorAccount, OrgUnit)? in
                guard
                    let account = try session.query(
                        "\(Self.selectOperators) WHERE id = $1", [.text(id)]
                    ).first.map(Self.operatorAccount),
                    let unit = try Self.orgUnit(account.org, session)
                else { return nil }
                return (account, unit)
            }
        }
        let now = wallClock.nowMilliseconds()
        if TierSyncNode.isStale(account.lastSeen, now: now) {
            _ = try store.withSession { session in
                try session.query(
                    #"UPDATE "operator" SET last_seen = $1 WHERE id = $2"#,
                    [.text(ISOTimestamp.format(milliseconds: now)), .text(account.id)])
            }
        }
        return (account, scope)
    }
}
