import Foundation

/// One field of a record kind as people enter it: its CLI name, type, and whether it is
/// required. Parsing a value checks it and returns what the store keeps.
///
/// ```swift
/// let phone = FieldSpec("phone", .phone, required: true, summary: "mobile or landline")
/// try phone.parse("13900001111", in: context)   // .text("13900001111")
/// ```
public struct FieldSpec: Sendable {
    public enum ValueType: Sendable, Equatable {
        case text(maxLength: Int)
        /// One vocabulary term of the kind, by key or Chinese name.
        case term(kind: String)
        /// A comma-separated list of vocabulary terms of the kind.
        case terms(kind: String)
        case date
        case dateTime
        case phone
        case wechat
        /// The code of an org unit the node knows.
        case org
        /// A whole number from 0.
        case count
        /// A decimal number above zero, or from zero when `allowsZero` (a stocktake that
        /// finds nothing).
        case quantity(allowsZero: Bool)
        /// A twice-monthly reporting period, `YYYY-MM-H1` or `YYYY-MM-H2`.
        case period
        /// The id of a live record of the table.
        case reference(table: String)
    }

    /// The column name in the store and the change log.
    public let field: String
    /// The CLI name: `--revision-deadline` on `add`, `revision-deadline=...` on `set`.
    public let flag: String
    /// Other CLI names accepted, e.g. `date` for a drill's `held_on`.
    public let aliases: [String]
    public let type: ValueType
    public let required: Bool
    public let summary: String

    public init(
        _ field: String, _ type: ValueType, required: Bool = false, aliases: [String] = [], summary: String
    ) {
        self.field = field
        self.flag = field.replacingOccurrences(of: "_", with: "-")
        self.aliases = aliases
        self.type = type
        self.required = required
        self.summary = summary
    }

    /// True when `name` is this field's CLI name, column name or an alias.
    public func isNamed(_ name: String) -> Bool {
        name == flag || name == field || aliases.contains(name)
    }
}
