import TierSyncCore

/// One row that a `SQLReader` read: its columns as `FieldValue`s, read back as the type the
/// caller names. A NULL or a value of another type reads as the type's zero (or nil for an
/// optional), so a malformed row from a peer never stops a report.
///
/// ```swift
/// let org: String = row[0]
/// let filed: String? = row[1]
/// let plans: Int = row[2]
/// ```
public struct SQLRow: Sendable {
    public let values: [FieldValue]

    public init(_ values: [FieldValue]) { self.values = values }

    public subscript(_ index: Int) -> FieldValue { index < values.count ? values[index] : .null }

    public subscript(_ index: Int) -> String? {
        switch self[index] as FieldValue {
        case .text(let text): text
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .null: nil
        }
    }

    public subscript(_ index: Int) -> String { self[index] as String? ?? "" }

    public subscript(_ index: Int) -> Int64? {
        switch self[index] as FieldValue {
        case .integer(let number): number
        case .real(let number): Int64(exactly: number.rounded(.towardZero))
        case .text(let text): Int64(text)
        case .null: nil
        }
    }

    public subscript(_ index: Int) -> Int64 { self[index] as Int64? ?? 0 }
    public subscript(_ index: Int) -> Int? { (self[index] as Int64?).map { Int(truncatingIfNeeded: $0) } }
    public subscript(_ index: Int) -> Int { self[index] as Int? ?? 0 }
    public subscript(_ index: Int) -> Double? { (self[index] as FieldValue).doubleValue }
    public subscript(_ index: Int) -> Double { self[index] as Double? ?? 0 }
}
