import GRDB
import GRDBSQLite
import TierSyncCore

extension Statement {
    /// Runs the statement with `values` bound through SQLite's C API.
    ///
    /// GRDB's `StatementArguments` converts every value through a key path, which on the
    /// local-write path cost more than SQLite's own insert (see BENCHMARKS.md). Values here
    /// are already in SQLite's storage classes, so they are bound directly; SQLite copies
    /// strings (`SQLITE_TRANSIENT`), so nothing outlives the call.
    func execute(binding values: [FieldValue]) throws {
        // Marks the (empty) arguments as bound so that `execute()` only resets the
        // statement, keeping the bindings made below.
        setUncheckedArguments(StatementArguments())
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(sqliteStatement, index)
            case .integer(let integer): code = sqlite3_bind_int64(sqliteStatement, index, integer)
            case .real(let real): code = sqlite3_bind_double(sqliteStatement, index, real)
            case .text(let text): code = sqlite3_bind_text(sqliteStatement, index, text, -1, Self.transient)
            }
            guard code == SQLITE_OK else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: "binding argument \(index) failed", sql: sql)
            }
        }
        try execute()
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
