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
        let found = try store.withSession { session -> (String, Int64, OperatorAccount, OrgUnit)? in
            guard
                let row = try session.query(
                    "SELECT subject, csrf, last_seen FROM web_session WHERE id_hash = $1", [.text(hash)]
                )
                .first
            else { return nil }
            let (subject, csrf, lastSeen) = try row.decode((String, String, Int64).self)
            guard subject.hasPrefix("operator:"),
                let account = try session.query(
                    "\(Self.selectOperators) WHERE id = $1", [.text(String(subject.dropFirst("operator:".count)))]
                ).first.map(Self.operatorAccount),
                account.revokedAt == nil, let scope = try Self.orgUnit(account.org, session)
            else { return nil }
            return (csrf, lastSeen, account, scope)
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
