import Foundation
import TierSyncCore

extension FieldSpec {
    /// Checks `raw` against the field's type and returns the value to store; empty input
    /// clears the field (null), which only optional fields allow.
    public func parse(_ raw: String, in context: ValidationContext) throws -> FieldValue {
        // NUL ends a C string: such text would not read back the same everywhere, and a
        // parent refuses it (ChangeCheck), so it is refused here, where the clerk typed it.
        if raw.utf8.contains(0) {
            throw DomainError.invalidValue(
                field: flag, value: raw.replacingOccurrences(of: "\u{0}", with: "\\0"),
                allowed: "text without the NUL character (U+0000)",
                rule: .other(chinese: "不能含有空字符（U+0000）"))
        }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            if required {
                throw DomainError.invalidValue(
                    field: flag, value: raw, allowed: "a value (\(summary)); it is required",
                    rule: .required(because: nil))
            }
            return .null
        }
        switch type {
        case .text(let maxLength):
            guard text.count <= maxLength else {
                throw DomainError.invalidValue(
                    field: flag, value: String(text.prefix(40)) + "…", allowed: "at most \(maxLength) characters",
                    rule: .tooLong(max: maxLength))
            }
            return .text(text)
        case .term(let kind):
            return .text(try context.vocabulary.resolve(text, kind: kind, field: flag))
        case .terms(let kind):
            let parts = text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" })
            var keys: [String] = []
            for part in parts {
                let key = try context.vocabulary.resolve(String(part), kind: kind, field: flag)
                if !keys.contains(key) { keys.append(key) }
            }
            return .text(keys.joined(separator: ","))
        case .date:
            guard let date = CivilDate(parsing: text) else {
                throw DomainError.invalidValue(
                    field: flag, value: raw, allowed: "a date YYYY-MM-DD, e.g. 2026-03-15",
                    rule: .date)
            }
            return .text(date.description)
        case .dateTime:
            guard let date = DateTimeText.parse(text) else {
                throw DomainError.invalidValue(
                    field: flag, value: raw,
                    allowed: "a date and time, e.g. 2026-03-15T09:30 (China time) or 2026-03-15T01:30:00Z",
                    rule: .dateTime)
            }
            return .text(DateTimeText.format(date))
        case .phone:
            return .text(try Self.phone(text, field: flag))
        case .wechat:
            guard Self.isWeChatID(text) else {
                throw DomainError.invalidValue(
                    field: flag, value: raw,
                    allowed: "a WeChat id of 6 to 20 letters, digits, '_' or '-', starting with a letter",
                    rule: .wechat)
            }
            return .text(text)
        case .org:
            guard try context.orgExists(text) else {
                throw DomainError.invalid([
                    FieldIssue(
                        field: flag, value: text, rule: .unknownOrg, allowed: "the code of an org unit this node knows",
                        english: DomainError.unknownOrg(text).description)
                ])
            }
            return .text(text)
        case .count:
            guard let count = Int64(text), count >= 0, count <= 10_000_000 else {
                throw DomainError.invalidValue(
                    field: flag, value: raw, allowed: "a whole number from 0 to 10000000",
                    rule: .count)
            }
            return .integer(count)
        case .quantity(let allowsZero):
            guard let quantity = Double(text), quantity.isFinite, allowsZero ? quantity >= 0 : quantity > 0,
                quantity < 1e12,
                text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
            else {
                throw DomainError.invalidValue(
                    field: flag, value: raw,
                    allowed: allowsZero ? "a number from 0, e.g. 0, 20 or 2.5" : "a positive number, e.g. 20 or 2.5",
                    rule: .quantity(allowsZero: allowsZero))
            }
            return .real(quantity)
        case .period:
            // A year stands for the year-end summary (年终总结).
            guard let period = DuePeriod(parsing: text), period.kind != .month else {
                throw DomainError.invalidValue(
                    field: flag, value: raw,
                    allowed:
                        "YYYY-MM-H1 (first half, due by the 15th), YYYY-MM-H2 (second half, due by the month's last day) or YYYY (the year-end summary, due 31 December)",
                    rule: .period)
            }
            return .text(period.description)
        case .reference(let table):
            guard let id = RecordID(text), try context.liveRecordExists(table: table, id: id) else {
                throw DomainError.invalidValue(
                    field: flag, value: raw, allowed: "the id of an existing \(table) record",
                    rule: .reference(table: table))
            }
            return .text(id.rawValue)
        }
    }

    /// Mobile numbers (11 digits from 13 to 19) or landlines with an area code
    /// (0858-8221234); spaces and dashes between digit groups are tolerated and removed
    /// from mobile numbers.
    static func phone(_ text: String, field: String) throws -> String {
        let compact = text.filter { $0 != " " }
        let digits = compact.filter { $0 != "-" }
        let allDigits = digits.allSatisfy { $0.isASCII && $0.isNumber }
        if allDigits, digits.count == 11, digits.hasPrefix("1"), let second = digits.dropFirst().first,
            "3456789".contains(second)
        {
            return String(digits)
        }
        // A landline typed without its dash (as spreadsheets often hold them): area codes
        // starting 01 or 02 have three digits, the others four.
        if allDigits, !compact.contains("-"), digits.hasPrefix("0") {
            let area = digits.hasPrefix("01") || digits.hasPrefix("02") ? 3 : 4
            if (7...8).contains(digits.count - area) {
                return digits.prefix(area) + "-" + digits.dropFirst(area)
            }
        }
        let parts = compact.split(separator: "-", omittingEmptySubsequences: false)
        if allDigits, parts.count == 2, parts[0].hasPrefix("0"), (3...4).contains(parts[0].count),
            (7...8).contains(parts[1].count)
        {
            return compact
        }
        throw DomainError.invalidValue(
            field: field, value: text,
            allowed:
                "a mobile number of 11 digits starting 13–19 (e.g. 13900001111) or a landline with area code (e.g. 0858-8221234)",
            rule: .phone)
    }

    static func isWeChatID(_ text: String) -> Bool {
        guard (6...20).contains(text.count), let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
