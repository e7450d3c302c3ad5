import GRDB
import TierSyncCore

/// A connection that reports read with SQL, over either store: SQLite (GRDB's `Database`) or
/// PostgreSQL, inside a read transaction (`SyncHub.readingRecords`). Queries use `?`
/// placeholders and the SQL both engines share; where they differ, `dialect` spells the
/// difference. Both give a row's values as SQLite types them (`FieldValue`).
///
/// ```swift
/// try reader.forEachRow("SELECT org, count(*) FROM contact r WHERE r.deleted = 0 GROUP BY org", []) { row in
///     let (org, contacts): (String, Int) = (row[0], row[1])
/// }
/// ```
public protocol SQLReader {
    var dialect: SQLDialect { get }

    /// Runs `sql` with `arguments` bound to its `?` placeholders, in order, and calls `body`
    /// with each row.
    func forEachRow(_ sql: String, _ arguments: [FieldValue], _ body: (SQLRow) throws -> Void) throws
}

extension SQLReader {
    /// Every row of `sql`, for queries whose result is small (a few thousand rows).
    public func rows(_ sql: String, _ arguments: [FieldValue] = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEachRow(sql, arguments) { rows.append($0) }
        return rows
    }
}

extension Database: SQLReader {
    public var dialect: SQLDialect { .sqlite }

    public func forEachRow(_ sql: String, _ arguments: [FieldValue], _ body: (SQLRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(self, sql: sql, arguments: StatementArguments(arguments))
        while let row = try cursor.next() {
            try body(SQLRow(row.databaseValues.map { FieldValue.fromDatabaseValue($0) ?? .null }))
        }
    }
}
