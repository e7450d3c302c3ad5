import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Browser sessions: the cookie holds a random id (only its hash is stored, so sessions
/// survive a restart but not a stolen copy of the database), each with the CSRF token its
/// forms carry. A session ends at sign-out, or after `idleLimit` without a request.
extension TierSyncNode {
    /// Who a session belongs to.
    public enum SessionSubject: Sendable, Equatable {
        case user(UserAccount)
        case `operator`(OperatorAccount)
    }

    /// A live session.
    public struct Session: Sendable, Equatable {
        public let subject: SessionSubject
        public let csrf: String
        /// The org whose subtree the signed-in person works in or sees.
        public let scope: OrgUnit

        public init(subject: SessionSubject, csrf: String, scope: OrgUnit) {
            (self.subject, self.csrf, self.scope) = (subject, csrf, scope)
        }
    }

    /// Sessions idle for longer than this are dropped as new ones start: of no use to anyone.
    public static let sessionsKeptFor: Int64 = 30 * 86_400_000

    /// Keeps a session last seen at `lastSeen` alive at `now`, on either store: when it has
    /// been idle past `idleLimit`, `end` ends it and it is refused; otherwise `touch` records
    /// `now`, at most once a minute, so that a page view does not always cost a write.
    public static func keepAlive(
        lastSeen: Int64, now: Int64, idleLimit: Int64, end: () throws -> Void, touch: () throws -> Void
    ) throws {
        guard now - lastSeen <= idleLimit else {
            try end()
            throw DomainError.unauthorized("the session expired after \(idleLimit / 60_000) minutes without use")
        }
        if now - lastSeen > 60_000 { try touch() }
    }

    /// How long a session lives without a request, by default.
    public static let defaultIdleLimit: Int64 = 2 * 3_600_000

    /// Starts a session for `subject` (`user:LOGIN` or `operator:ID`); returns the cookie's id.
    public func startSession(subject: String) throws -> String {
        let now = store.wallClock.nowMilliseconds()
        let id = Credential.randomSecret()
        try store.write { writer in
            try writer.db.execute(
                sql: "DELETE FROM web_session WHERE last_seen < ?", arguments: [now - Self.sessionsKeptFor])
            try WebSession(
                idHash: Credential.hash(id), subject: subject, csrf: Credential.randomSecret(), createdAt: now,
                lastSeen: now
            ).insert(writer.db)
        }
        return id
    }

    /// The live session of cookie id `id`, refreshed; unauthorized when unknown, ended,
    /// idle past `idleLimit` milliseconds, or its account was disabled or revoked.
    public func session(_ id: String, idleLimit: Int64 = defaultIdleLimit) throws -> Session {
        let now = store.wallClock.nowMilliseconds()
        let hash = Credential.hash(id)
        let found = try store.read { db -> (WebSession, SessionSubject, OrgUnit)? in
            guard let row = try WebSession.fetchOne(db, key: hash) else { return nil }
            let parts = row.subject.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            if parts[0] == "user", let user = try UserAccount.fetchOne(db, key: parts[1]), user.disabledAt == nil {
                return (row, .user(user), try orgUnit(user.org, db: db))
            }
            if parts[0] == "operator", let account = try OperatorAccount.fetchOne(db, key: parts[1]),
                account.revokedAt == nil
            {
                return (row, .operator(account), try orgUnit(account.org, db: db))
            }
            return nil
        }
        guard let (row, subject, scope) = found else { throw DomainError.unauthorized("no such session") }
        try Self.keepAlive(lastSeen: row.lastSeen, now: now, idleLimit: idleLimit, end: { try endSession(id) }) {
            try store.write { writer in
                try writer.db.execute(
                    sql: "UPDATE web_session SET last_seen = ? WHERE id_hash = ?", arguments: [now, hash])
            }
        }
        return Session(subject: subject, csrf: row.csrf, scope: scope)
    }

    public func endSession(_ id: String) throws {
        try store.write { writer in
            try writer.db.execute(
                sql: "DELETE FROM web_session WHERE id_hash = ?", arguments: [Credential.hash(id)])
        }
    }
}
