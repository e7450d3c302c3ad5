import PostgresNIO
import TierSyncCore
import TierSyncStore

/// `FieldValue`s in PostgreSQL: typed columns for record fields, tagged text where the type
/// varies by row (`i42`, `r0.5`, `t…`; SQL NULL for null), exact for every value.
enum PostgresValue {
    static func tagged(_ value: FieldValue) -> FieldValue {
        switch value {
        case .null: .null
        case .integer(let number): .text("i\(number)")
        case .real(let number): .text("r\(number)")
        case .text(let text): .text("t" + text)
        }
    }

    static func untagged(_ text: String?) throws -> FieldValue {
        guard let text else { return .null }
        let body = String(text.dropFirst())
        switch text.first {
        case "i": if let number = Int64(body) { return .integer(number) }
        case "r": if let number = Double(body) { return .real(number) }
        case "t": return .text(body)
        default: break
        }
        throw PostgresStoreError.corrupt("a value that is not tagged text: \(text.prefix(40))")
    }

    /// A record field's cell, read as its declared affinity.
    static func cell(_ cell: PostgresCell, _ affinity: SyncedTable.Field.Affinity) throws -> FieldValue {
        switch affinity {
        case .text: return try cell.decode(String?.self).map(FieldValue.text) ?? .null
        case .integer: return try cell.decode(Int64?.self).map(FieldValue.integer) ?? .null
        case .real: return try cell.decode(Double?.self).map(FieldValue.real) ?? .null
        }
    }
}

extension Array {
    /// The array in consecutive pieces of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(size, 1)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
