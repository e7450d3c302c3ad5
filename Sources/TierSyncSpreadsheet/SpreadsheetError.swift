/// A spreadsheet file that cannot be read or written, with what was wrong and what is
/// expected.
///
/// ```swift
/// SpreadsheetError.noSuchSheet("台账", available: ["联系人"]).description
/// // "no sheet named '台账'; the file has: 联系人"
/// ```
public struct SpreadsheetError: Error, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case notXLSX(path: String, reason: String)
        case noSuchSheet(String, available: [String])
        case malformed(part: String, reason: String)
        case unreadableText(path: String)
        case cannotWrite(path: String, reason: String)
    }

    private let code: Code

    public static func notXLSX(_ path: String, reason: String) -> Self {
        .init(code: .notXLSX(path: path, reason: reason))
    }
    public static func noSuchSheet(_ name: String, available: [String]) -> Self {
        .init(code: .noSuchSheet(name, available: available))
    }
    public static func malformed(_ part: String, reason: String) -> Self {
        .init(code: .malformed(part: part, reason: reason))
    }
    public static func unreadableText(_ path: String) -> Self { .init(code: .unreadableText(path: path)) }
    public static func cannotWrite(_ path: String, reason: String) -> Self {
        .init(code: .cannotWrite(path: path, reason: reason))
    }

    public var description: String {
        switch code {
        case .notXLSX(let path, let reason):
            return "\(path) is not an XLSX workbook (\(reason)); save it from the spreadsheet as .xlsx, or as CSV"
        case .noSuchSheet(let name, let available):
            return "no sheet named '\(name)'; the file has: \(available.joined(separator: ", "))"
        case .malformed(let part, let reason):
            return "the workbook's \(part) cannot be read (\(reason)); open it in the spreadsheet and save it again"
        case .unreadableText(let path):
            return "\(path) is neither UTF-8 nor GB18030 text; save it as CSV (UTF-8) from the spreadsheet"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }

    /// The same, in Chinese, for a page.
    public var chinese: String {
        switch code {
        case .notXLSX: return "文件不是 XLSX 工作簿：请在表格软件中另存为 .xlsx 或 CSV 后重试。"
        case .noSuchSheet(let name, let available):
            return "文件中没有名为“\(name)”的工作表，现有：\(available.joined(separator: "、"))。"
        case .malformed: return "工作簿内容无法读取：请用表格软件打开后重新保存再试。"
        case .unreadableText: return "文件编码无法识别（既不是 UTF-8 也不是 GB18030）：请另存为 CSV（UTF-8）后重试。"
        case .cannotWrite: return "无法写入文件。"
        }
    }
}
