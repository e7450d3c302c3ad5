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
        try bindAll(values)
        try execute()
    }

    /// Resets the statement and binds `values` to its parameters, in order.
    func bindAll(_ values: [FieldValue]) throws {
        clearBindings()
        for (offset, value) in values.enumerated() { try bind(value, at: Int32(offset + 1)) }
    }

    /// Resets the statement for values bound one by one with `bind(_:at:)`, then `execute()`.
    func clearBindings() {
        // Marks the (empty) arguments as bound so that `execute()` only resets the
        // statement, keeping the bindings made after this.
        setUncheckedArguments(StatementArguments())
    }

    /// Binds `value` to the parameter at `index` (1-based) through SQLite's C API.
    func bind(_ value: FieldValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(sqliteStatement, index)
        case .integer(let integer): code = sqlite3_bind_int64(sqliteStatement, index, integer)
        case .real(let real): code = sqlite3_bind_double(sqliteStatement, index, real)
        case .text(var text):
            // A native string is already contiguous UTF-8: bound from its own storage, where
            // passing the `String` would first copy it into a new C string.
            // An empty buffer has no address, and a null pointer would bind NULL, not "".
            code = text.withUTF8 { utf8 in
                guard let base = utf8.baseAddress else {
                    return sqlite3_bind_text(sqliteStatement, index, "", 0, Self.transient)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    sqlite3_bind_text(sqliteStatement, index, $0, Int32(utf8.count), Self.transient)
                }
            }
        }
        guard code == SQLITE_OK else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: "binding argument \(index) failed", sql: sql)
        }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
