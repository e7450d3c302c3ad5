import Foundation
import TierSyncCore

/// Where the SQL of SQLite and of PostgreSQL differ, for queries written once for both.
///
/// ```swift
/// "SELECT r.title FROM plan r WHERE r.id IN \(db.dialect.jsonTextList) ORDER BY \(db.dialect.bytewise("r.title"))"
/// ```
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// A subquery over the strings of a JSON array bound to its one `?`: `x IN \(jsonTextList)`.
    public var jsonTextList: String {
        switch self {
        case .sqlite: "(SELECT value FROM json_each(?))"
        case .postgres: "(SELECT jsonb_array_elements_text(CAST(? AS jsonb)))"
        }
    }

    /// `expression` compared byte by byte, as SQLite compares text, whatever the database's
    /// collation (PostgreSQL's default sorts by locale).
    public func bytewise(_ expression: String) -> String {
        switch self {
        case .sqlite: expression
        case .postgres: "\(expression) COLLATE \"C\""
        }
    }

    /// The hint that makes SQLite scan `table` in order instead of visiting it through an
    /// index; PostgreSQL's planner chooses by itself.
    public func scanning(_ table: String) -> String {
        switch self {
        case .sqlite: "\(table) NOT INDEXED"
        case .postgres: table
        }
    }

    /// `values` as a JSON array of strings, the argument of `jsonTextList`.
    public static func jsonList(_ values: some Sequence<String>) -> FieldValue {
        var text = "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
                default: text.unicodeScalars.append(scalar)
                }
            }
            text += "\""
        }
        return .text(text + "]")
    }
}
