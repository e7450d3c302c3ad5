import Foundation
import PostgresNIO
import TierSyncCore
import TierSyncStore

/// Reports read a hub on PostgreSQL through the same queries as a SQLite node's.
extension PostgresSession: SQLReader {
    public var dialect: SQLDialect { .postgres }

    public func forEachRow(_ sql: String, _ arguments: [FieldValue], _ body: (SQLRow) throws -> Void) throws {
        for row in try query(Self.numbered(sql), arguments) {
            try body(SQLRow(try row.map(Self.value)))
        }
    }

    /// `sql` with its `?` placeholders numbered `$1`, `$2`… as PostgreSQL takes them; a `?`
    /// inside a quoted string or name is left alone.
    static func numbered(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var (count, quote): (Int, Character?) = (0, nil)
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "?" {
                count += 1
                result += "$\(count)"
                continue
            }
            result.append(character)
        }
        return result
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
            let number = try cell.decode(Decimal.self)
            let double = NSDecimalNumber(decimal: number).doubleValue
            if number == number.rounded(), let whole = Int64(exactly: double) { return .integer(whole) }
            return .real(double)
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
