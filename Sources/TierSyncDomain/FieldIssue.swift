/// One thing wrong (or worth a look) with one field of a record, as a value that every
/// interface words in its own way: the CLI prints `english`, the web page puts
/// `chinese(label:)` beside the field.
///
/// ```swift
/// let issue = FieldIssue(field: "phone", value: "139000011", rule: .phone, allowed: "a mobile number…")
/// issue.english                  // "invalid phone '139000011': expected a mobile number…"
/// issue.chinese(label: "电话")    // "电话“139000011”格式不对：…"
/// ```
public struct FieldIssue: Sendable, Equatable, Codable {
    /// The rule a value broke; each case carries what a message needs to say what is allowed.
    public enum Rule: Sendable, Equatable, Codable {
        /// A required field is empty; `because` says why, when it is required only by another field.
        case required(because: String?)
        case tooLong(max: Int)
        /// Not a term of the vocabulary `kind` (its Chinese names are the allowed values).
        case term(kind: String)
        case date
        case dateTime
        case phone
        case wechat
        case count
        case quantity(allowsZero: Bool)
        case period
        case unknownOrg
        /// The org is outside the subtree of `scope`, where this node or person may write.
        case outsideSubtree(scope: String)
        /// Not the id of a live record of `table`.
        case reference(table: String)
        /// More stock issued or moved than the site holds.
        case insufficientStock(held: String)
        /// A warning: a contact whose details were last confirmed `days` days ago.
        case notConfirmedFor(days: Int)
        /// Any other rule, with its Chinese wording given where it is checked.
        case other(chinese: String?)
    }

    /// The field's key (`revision_deadline`), as inputs are named on the web pages.
    public let field: String
    public let value: String
    public let rule: Rule
    /// What is allowed, in English, as the CLI prints it.
    public let allowed: String
    /// The line the CLI prints (`invalid phone '…': expected …`, `missing --title for plan: …`).
    public let english: String

    public init(field: String, value: String, rule: Rule, allowed: String, english: String? = nil) {
        let key = Self.key(field)
        self.field = key
        self.value = value
        self.rule = rule
        self.allowed = allowed
        self.english = english ?? "invalid \(field) '\(value)': expected \(allowed)"
    }

    /// A missing value: `missing FIELD for KIND: hint`, the field as the CLI names it (`--title`).
    public static func missing(_ field: String, kind: String, hint: String, because: String? = nil) -> FieldIssue {
        FieldIssue(
            field: field, value: "", rule: .required(because: because), allowed: hint,
            english: "missing \(field) for \(kind)" + (hint.isEmpty ? "" : ": \(hint)"))
    }

    /// True for issues that are shown but do not stop a save.
    public var isWarning: Bool {
        if case .notConfirmedFor = rule { return true }
        return false
    }

    /// `--revision-deadline`, `revision-deadline` and `revision_deadline` all name one key.
    static func key(_ name: String) -> String {
        var text = Substring(name)
        while text.hasPrefix("-") { text = text.dropFirst() }
        return text.replacingOccurrences(of: "-", with: "_")
    }
}
