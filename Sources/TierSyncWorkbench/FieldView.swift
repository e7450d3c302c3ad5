import TierSyncDomain

/// One input of a record form, as the `fields` partial draws it: named after the field key,
/// a drop-down in Chinese for vocabularies, the value as typed, and the Chinese error or
/// warning beside it.
struct FieldView: Sendable {
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    let key: String
    let label: String
    let required: Bool
    let value: String
    let placeholder: String
    let isText: Bool
    let isTextarea: Bool
    let isSelect: Bool
    let isChecks: Bool
    let isDate: Bool
    let isPassword: Bool
    let options: [Option]
    let error: String?
    let warning: String?
    let invalid: Bool
    /// The value the input was loaded with, sent back as `was.KEY`: a save changes only the
    /// fields whose value differs from it, so it never undoes an edit made meanwhile.
    let original: String?

    init(
        key: String, label: String, required: Bool, value: String, type: FieldSpec.ValueType?,
        options: [(String, String)] = [], error: String? = nil, warning: String? = nil, original: String? = nil,
        password: Bool = false
    ) {
        self.original = original
        isPassword = password
        self.key = key
        self.label = label
        self.required = required
        self.value = value
        self.error = error
        self.warning = warning
        invalid = error != nil
        var select = false, checks = false, date = false, textarea = false
        switch type {
        case .term?, .org?, .reference?: select = true
        case .terms?: checks = true
        case .date?: date = true
        case .text(let max)? where max > 500: textarea = true
        default: break
        }
        (isSelect, isChecks, isDate, isTextarea) = (select, checks, date, textarea)
        isText = !(select || checks || date || textarea || password)
        let chosen = checks ? Set(value.split(separator: ",").map(String.init)) : [value]
        self.options =
            (select && !required ? [Option(value: "", label: "—（不填）", selected: value.isEmpty)] : [])
            + options.map { Option(value: $0.0, label: $0.1, selected: chosen.contains($0.0)) }
        switch type {
        case .dateTime?: placeholder = "如 2026-11-14 17:30"
        case .period?: placeholder = "如 2026-11-H1"
        case .phone?: placeholder = "如 13900001111 或 0858-8221234"
        case .date?: placeholder = "如 2026-03-15"
        default: placeholder = ""
        }
    }
}
