import PostgresNIO
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Operators of a PostgreSQL hub, and the gauges of its metrics: the people and scripts that read them, each with a
/// credential of their own (only its hash is kept) and the subtree of one org, as on a SQLite
/// node (`TierSyncNode+operators.swift`), whose checks these share.
extension PostgresHub {
    /// Creates an operator who sees the subtree of `orgCode` (default: this hub's org).
    public func addOperator(name: String, org orgCode: String? = nil) throws -> TierSyncNode.IssuedOperator {
        var (account, credential) = try TierSyncNode.newOperator(name: name, at: wallClock.nowMilliseconds())
        try store.write { session in
            let code = orgCode ?? hubOrg.code
            guard let unit = try Self.orgUnit(code, session) else { throw DomainError.unknownOrg(code) }
            guard hubOrg.contains(unit) else { throw DomainError.outsideSubtree(org: code, nodeOrg: hubOrg.code) }
            account.org = unit.code
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
                """
                SELECT id, name, org, credential_hash, created_at, revoked_at, last_seen FROM "operator"
                ORDER BY org, name
                """
            ).map(Self.operatorAccount)
        }
    }

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
                        """
                        SELECT id, name, org, credential_hash, created_at, revoked_at, last_seen FROM "operator"
                        WHERE id = $1
                        """, [.text(id)]
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

    public func gauges() throws -> HubGauges {
        let open = try conflicts().count
        return try store.read { session in
            HubGauges(
                children: try session.query(
                    """
                    SELECT c.id, c.org, coalesce(p.last_contact, c.last_contact) FROM child_node c
                    LEFT JOIN peer_cursor p ON p.org = c.org WHERE c.revoked_at IS NULL
                    """
                ).map { row in
                    let (node, org, contact) = try row.decode((String, String, String?).self)
                    return HubGauges.Child(node: node, org: org, lastContact: contact)
                },
                openConflicts: open,
                logEntries: Int(try session.query("SELECT count(*) FROM change_log").first?.decode(Int64.self) ?? 0),
                databaseBytes: Int(
                    try session.query("SELECT pg_database_size(current_database())").first?.decode(Int64.self) ?? 0))
        }
    }
}
