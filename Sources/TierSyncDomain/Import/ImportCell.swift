import TierSyncCore
import TierSyncSpreadsheet

/// A cell as the text a field's parser takes: Excel serial dates as dates, dates written
/// 2026/3/10 or 2026年3月10日 as 2026-03-10, phones stored as numbers as their digits. A phone
/// a CSV holds only in scientific notation (1.39E+10) lost its digits and is refused, saying
/// how to fix the column.
enum ImportCell {
    /// The text for `spec`, or the refusal of the cell.
    static func text(_ cell: Cell, for spec: FieldSpec?) -> Result<String, DomainError> {
        switch (cell, spec?.type) {
        case (.empty, _): return .success("")
        case (.number(let number, _), .date?), (.number(let number, .date), _):
            return serialDate(number).map { .success($0.description) } ?? .success(plain(number))
        case (.number(let number, _), _): return .success(plain(number))
        case (.text(let text), .date?): return .success(date(text)?.description ?? text)
        case (.text(let text), .phone?) where isScientific(text):
            return .failure(
                .procedure(
                    "phone '\(text)' is in scientific notation, so its digits are lost: format the column as text in the spreadsheet, type the numbers again, and save",
                    chinese: "电话“\(text)”被表格软件存成了科学计数法，号码已丢失：请把该列设置为“文本”格式，重新输入号码后再保存导入。",
                    forbidden: false))
        case (.text(let text), _): return .success(text.trimmingCharacters(in: .whitespaces))
        }
    }

    /// A number as a person typed it: 12 rather than 12.0.
    static func plain(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// The date of an Excel serial number (days since 1899-12-30, as both Excel and
    /// LibreOffice count them for dates after February 1900).
    static func serialDate(_ number: Double) -> CivilDate? {
        guard number >= 1, number < 2_958_466 else { return nil }
        return CivilDate(daysSinceEpoch: Int(number.rounded(.down)) - 25_569)
    }

    /// 2026/3/10, 2026.3.10, 2026年3月10日 or 2026-3-10 as a date; nil for other text.
    static func date(_ text: String) -> CivilDate? {
        let parts = text.trimmingCharacters(in: .whitespaces)
            .split(whereSeparator: { "/.-年月日 ".contains($0) }).map(String.init)
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2])
        else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    static func isScientific(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard let e = trimmed.firstIndex(of: "E") else { return false }
        let mantissa = trimmed[..<e]
        let exponent = trimmed[trimmed.index(after: e)...].drop { $0 == "+" || $0 == "-" }
        return !mantissa.isEmpty && mantissa.allSatisfy { $0.isNumber || $0 == "." } && !exponent.isEmpty
            && exponent.allSatisfy(\.isNumber)
    }
}
