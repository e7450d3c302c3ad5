import GRDB
import GRDBSQLite
import TierSyncCore

extension Statement {
    /// Runs a query with `values` bound through SQLite's C API and reads its first row by
    /// position, or returns nil when it has none.
    ///
    /// The hub reads each record a push names this way. GRDB's `Row.fetchOne` builds a cursor
    /// and a table of lowercased column names on every call, which cost more than SQLite's
    /// own lookup (see BENCHMARKS.md, issue 13); here nothing is built but the values read.
    /// It skips GRDB's bookkeeping around a statement (its checks of an aborted transaction,
    /// of interruption), which a read inside a write transaction does not need; the
    /// statement is reset whatever happens, so the cached statement stays usable.
    ///
    /// ```swift
    /// let name = try db.cachedStatement(sql: "SELECT name FROM contact WHERE id = ?")
    ///     .firstRow(binding: [.text(id)]) { $0.text(at: 0) }
    /// ```
    func firstRow<Value>(binding values: [FieldValue], _ read: (SQLiteColumns) throws -> Value) throws -> Value? {
        try bindAll(values)
        defer { sqlite3_reset(sqliteStatement) }
        switch sqlite3_step(sqliteStatement) {
        case SQLITE_DONE: return nil
        case SQLITE_ROW: return try read(SQLiteColumns(statement: sqliteStatement))
        case let code:
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement))), sql: sql)
        }
    }
}

/// The current row of a statement being stepped, read by column position; valid only while
/// the statement stays on that row.
struct SQLiteColumns {
    let statement: SQLiteStatement

    func integer(at column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column as text (SQLite converts a number; NULL reads as "").
    func text(at column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The column in its storage class; a blob, which no synced field holds, reads as null.
    func value(at column: Int32) -> FieldValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(integer(at: column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT: return .text(text(at: column))
        default: return .null
        }
    }
}
