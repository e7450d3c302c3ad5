import Foundation
import PostgresNIO
import TierSyncCore
import TierSyncStore

/// Reports read a hub on PostgreSQL through the same queries as a SQLite node's.
extension PostgresSession: SQLReader {
    public var dialect: SQLDialect { .postgres }

    /// Runs the query and calls `body` with each row. Unlike SQLite's, these rows are read
    /// whole before the first call (postgres-nio's synchronous query collects them): reports
    /// ask for aggregates, or at most a row per record of one table.
    public func forEachRow(_ sql: String, _ arguments: [FieldValue], _ body: (SQLRow) throws -> Void) throws {
        let (numbered, count) = Self.numbered(sql)
        guard count == arguments.count else {
            throw PostgresStoreError.badQuery(
                "a query with \(count) placeholders was given \(arguments.count) arguments: \(sql.prefix(80))")
        }
        for row in try query(numbered, arguments) {
            try body(SQLRow(try row.map(Self.value)))
        }
    }

    /// `sql` with its `?` placeholders numbered `$1`, `$2`… as PostgreSQL takes them, and how
    /// many there were. A `?` inside a quoted string or name is left alone; comments and
    /// PostgreSQL's own `?` operators are not recognized, so the shared queries use neither.
    static func numbered(_ sql: String) -> (sql: String, count: Int) {
        var result = String.UnicodeScalarView()
        var (count, quote): (Int, Unicode.Scalar?) = (0, nil)
        for scalar in sql.unicodeScalars {
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "'" || scalar == "\"" {
                quote = scalar
            } else if scalar == "?" {
                count += 1
                result.append(contentsOf: "$\(count)".unicodeScalars)
                continue
            }
            result.append(scalar)
        }
        return (String(result), count)
    }

    /// A cell as the `FieldValue` SQLite would give for it: integers (and booleans, as 0 or 1),
    /// reals, text; `numeric` (what `sum` of a `bigint` column gives) as an integer when whole.
    static func value(_ cell: PostgresCell) throws -> FieldValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .numeric:
            // What `sum` of a `bigint` column gives (SQLite's sum of integers is an integer).
            let number = try cell.decode(Decimal.self)
            let decimal = NSDecimalNumber(decimal: number)
            if number == number.rounded(), abs(decimal.doubleValue) < 9.2e18 { return .integer(decimal.int64Value) }
            return .real(decimal.doubleValue)
        default: return .text(try cell.decode(String.self))
        }
    }
}

extension Decimal {
    fileprivate func rounded() -> Decimal {
        var (value, result) = (self, Decimal())
        NSDecimalRound(&result, &value, 0, .plain)
        return result
    }
}

/// Rules kept apart from the records (people's accounts) write through the same session.
extension PostgresSession: SQLWriter {
    public func execute(_ sql: String, _ arguments: [FieldValue]) throws {
        let (numbered, count) = Self.numbered(sql)
        guard count == arguments.count else {
            throw PostgresStoreError.badQuery(
                "a statement with \(count) placeholders was given \(arguments.count) arguments: \(sql.prefix(80))")
        }
        _ = try query(numbered, arguments)
    }
}
