import TierSyncCore
import TierSyncStore

/// The slow-down after wrong passwords: past the free ones (2 per login; 10 per address, an
/// office's PCs share one), each attempt waits twice as long as the last (1 s, 2 s, 4 s … at
/// most 5 minutes); fifteen quiet minutes forgive them.
enum SignInThrottle {
    static let freePerLogin = 2
    static let freePerAddress = 10
    static let forgiveAfter: Int64 = 15 * 60_000

    /// Milliseconds still to wait before `key` may try again (0: now).
    static func wait(key: String, free: Int, now: Int64, db: any SQLReader) throws -> Int64 {
        guard let row = try db.rows("SELECT failures, last_at FROM sign_in_failure WHERE key = ?", [.text(key)]).first
        else { return 0 }
        let failures: Int = row[0]
        let last: Int64 = row[1]
        guard failures > free, now - last < forgiveAfter else { return 0 }
        let delay = min(Int64(1000) << min(failures - free - 1, 20), 300_000)
        return max(0, last + delay - now)
    }

    /// Counts a failure for `key`; rows quiet for longer than `forgiveAfter` go at the same
    /// time, so the table holds only recent guesses.
    static func fail(key: String, now: Int64, db: any SQLWriter) throws {
        try db.execute("DELETE FROM sign_in_failure WHERE last_at < ?", [.integer(now - forgiveAfter)])
        // The table is named in the update: PostgreSQL's `last_at` alone would be ambiguous
        // beside `excluded`'s.
        try db.execute(
            """
            INSERT INTO sign_in_failure (key, failures, last_at) VALUES (?, 1, ?)
            ON CONFLICT(key) DO UPDATE SET
                failures = CASE WHEN ? - sign_in_failure.last_at >= ? THEN 1 ELSE sign_in_failure.failures + 1 END,
                last_at = excluded.last_at
            """,
            [.text(key), .integer(now), .integer(now), .integer(forgiveAfter)])
    }

    /// A right password: the login starts afresh, and the address's count is what it was before.
    static func succeed(login: String, address: String, db: any SQLWriter) throws {
        try db.execute("DELETE FROM sign_in_failure WHERE key = ?", [.text(login)])
        try db.execute("UPDATE sign_in_failure SET failures = failures - 1 WHERE key = ?", [.text(address)])
    }
}
