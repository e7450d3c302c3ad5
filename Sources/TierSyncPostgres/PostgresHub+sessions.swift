import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Browser sessions of the consolidated view on a hub on PostgreSQL, kept as a SQLite node
/// keeps them (`TierSyncNode+sessions.swift`): the cookie holds a random id, the table only
/// its hash, with the CSRF token its forms carry. Such a hub has no people's accounts, so its
/// sessions are operators' (signed in with their credential), which any process serves.
extension PostgresHub {
    public func startSession(subject: String) throws -> String {
        let now = wallClock.nowMilliseconds()
        let id = Credential.randomSecret()
        // Sessions are not records: no writer lock, so a sign-in never waits for a push.
        try store.withSession { session in
            try session.transaction {
                try session.query(
                    "DELETE FROM web_session WHERE last_seen < $1", [.integer(now - TierSyncNode.sessionsKeptFor)])
                try session.query(
                    """
                    INSERT INTO web_session (id_hash, subject, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)
                    """,
                    [.text(Credential.hash(id)), .text(subject), .text(Credential.randomSecret()), .integer(now)])
            }
        }
        return id
    }

    public func session(_ id: String, idleLimit: Int64 = TierSyncNode.defaultIdleLimit) throws -> TierSyncNode.Session {
        let now = wallClock.nowMilliseconds()
        let hash = Credential.hash(id)
        // The session, its operator (not revoked) and the operator's unit, in one round trip:
        // every page view asks.
        let found = try store.withSession { session in
            try session.rows(
                """
                SELECT s.csrf, s.last_seen, o.id, o.name, o.org, o.credential_hash, o.created_at, o.last_seen,
                       u.parent, u.name, u.level, u.path
                FROM web_session s JOIN "operator" o ON s.subject = 'operator:' || o.id
                JOIN org_unit u ON u.code = o.org
                WHERE s.id_hash = ? AND o.revoked_at IS NULL
                """, [.text(hash)]
            ).first
        }.flatMap { row -> (String, Int64, OperatorAccount, OrgUnit)? in
            guard let level = OrgUnit.Level(rawValue: row[10]) else { return nil }
            var account = OperatorAccount(
                id: row[2], name: row[3], org: row[4], credentialHash: row[5], createdAt: row[6])
            account.lastSeen = row[7]
            let scope = OrgUnit(code: row[4], parent: row[8], name: row[9], level: level, path: row[11], sample: false)
            return (row[0], row[1], account, scope)
        }
        guard let (csrf, lastSeen, account, scope) = found else { throw DomainError.unauthorized("no such session") }
        try TierSyncNode.keepAlive(lastSeen: lastSeen, now: now, idleLimit: idleLimit, end: { try endSession(id) }) {
            _ = try store.withSession { session in
                try session.query(
                    "UPDATE web_session SET last_seen = $1 WHERE id_hash = $2", [.integer(now), .text(hash)])
            }
        }
        return TierSyncNode.Session(subject: .operator(account), csrf: csrf, scope: scope)
    }

    public func endSession(_ id: String) throws {
        _ = try store.withSession { session in
            try session.query("DELETE FROM web_session WHERE id_hash = $1", [.text(Credential.hash(id))])
        }
    }

    public func openConflictViews() throws -> [ConflictView] { try conflicts() }
}

extension PostgresHub {
    public func lastSequence(in reader: any SQLReader) throws -> Int64 {
        try reader.rows(PostgresStore.lastSequenceSQL).first?[0] ?? 0
    }
}
