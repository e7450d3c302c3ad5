import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Browser sessions of the consolidated view on a hub on PostgreSQL, kept as a SQLite node
/// keeps them (`TierSyncNode+sessions.swift`): the cookie holds a random id, the table only
/// its hash, with the CSRF token its forms carry. A session is a person's (signed in with a
/// login and password, `PeopleAccounts`) or an operator's (with their credential); any process
/// serves it.
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
        // The session, its person (not disabled) or operator (not revoked) and their unit,
        // in one round trip: every page view asks.
        let found = try store.withSession { session in
            try session.rows(
                """
                SELECT s.csrf, s.last_seen, u.code, u.parent, u.name, u.level, u.path,
                       o.id, o.name, o.org, o.credential_hash, o.created_at, o.last_seen,
                       a.login, a.name, a.role, a.org, a.password_hash, a.created_at, a.disabled_at, a.last_sign_in
                FROM web_session s
                LEFT JOIN "operator" o ON s.subject = 'operator:' || o.id AND o.revoked_at IS NULL
                LEFT JOIN user_account a ON s.subject = 'user:' || a.login AND a.disabled_at IS NULL
                JOIN org_unit u ON u.code = coalesce(o.org, a.org)
                WHERE s.id_hash = ?
                """, [.text(hash)]
            ).first
        }.flatMap { row -> (String, Int64, TierSyncNode.SessionSubject, OrgUnit)? in
            guard let level = OrgUnit.Level(rawValue: row[5]) else { return nil }
            let scope = OrgUnit(code: row[2], parent: row[3], name: row[4], level: level, path: row[6], sample: false)
            if (row[13] as String?) != nil {
                return (row[0], row[1], .user(UserAccount(row: SQLRow(Array(row.values[13...])))), scope)
            }
            var account = OperatorAccount(
                id: row[7], name: row[8], org: row[9], credentialHash: row[10], createdAt: row[11])
            account.lastSeen = row[12]
            return (row[0], row[1], .operator(account), scope)
        }
        guard let (csrf, lastSeen, subject, scope) = found else { throw DomainError.unauthorized("no such session") }
        try TierSyncNode.keepAlive(lastSeen: lastSeen, now: now, idleLimit: idleLimit, end: { try endSession(id) }) {
            _ = try store.withSession { session in
                try session.query(
                    "UPDATE web_session SET last_seen = $1 WHERE id_hash = $2", [.integer(now), .text(hash)])
            }
        }
        return TierSyncNode.Session(subject: subject, csrf: csrf, scope: scope)
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
