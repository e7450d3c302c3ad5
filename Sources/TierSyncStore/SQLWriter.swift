import GRDB
import TierSyncCore

/// A connection inside a write transaction, over either store: what a rule kept apart from
/// the records (people's accounts, the sign-in slow-down) writes with, in the SQL both engines
/// share. The store opens the transaction; the rule only executes statements in it.
///
/// ```swift
/// try db.execute("UPDATE user_account SET disabled_at = ? WHERE login = ?", [.text(now), .text(login)])
/// ```
public protocol SQLWriter: SQLReader {
    /// Runs `sql`, a statement that returns no rows, with `arguments` bound to its `?` placeholders.
    func execute(_ sql: String, _ arguments: [FieldValue]) throws
}

extension Database: SQLWriter {
    public func execute(_ sql: String, _ arguments: [FieldValue]) throws {
        try execute(sql: sql, arguments: StatementArguments(arguments))
    }
}
