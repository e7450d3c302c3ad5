/// One table of a report: a Chinese title, typed columns and rows of cells.
///
/// Rows about an org carry its code (`Row.org`), so that a dashboard can link each row to
/// that org's own report (the drill-down). A detail table may be cut to
/// `ReportOptions.detailLimit` rows; `totalRows` says how many there were.
///
/// ```swift
/// var table = ReportTable(key: "summary", title: "汇总", columns: [.text("name", "单位"), .number("units", "单位数")])
/// table.rows.append(.init(org: "520201", ["钟山区", 4]))
/// ```
public struct ReportTable: Sendable {
    /// A stable machine name, unique within the report (`summary`, `units-without-plan`).
    public let key: String
    public let title: String
    public let columns: [Column]
    public var rows: [Row]
    /// Rows before the detail limit cut the table (equal to `rows.count` when not cut).
    public var totalRows: Int

    public init(key: String, title: String, columns: [Column], rows: [Row] = [], totalRows: Int? = nil) {
        self.key = key
        self.title = title
        self.columns = columns
        self.rows = rows
        self.totalRows = totalRows ?? rows.count
    }

    /// A column: its key (JSON), its Chinese header, and whether its cells are numbers.
    public struct Column: Sendable, Encodable, Equatable {
        public enum Kind: String, Sendable, Encodable { case text, number }
        public let key: String
        public let title: String
        public let kind: Kind

        public static func text(_ key: String, _ title: String) -> Column {
            Column(key: key, title: title, kind: .text)
        }
        public static func number(_ key: String, _ title: String) -> Column {
            Column(key: key, title: title, kind: .number)
        }
    }

    /// One row: its cells in column order, the org it is about (if any), and whether it is
    /// the table's total.
    public struct Row: Sendable, Equatable {
        public let org: String?
        public let isTotal: Bool
        public let cells: [Value]

        public init(org: String?, isTotal: Bool = false, _ cells: [Value]) {
            self.org = org
            self.isTotal = isTotal
            self.cells = cells
        }
    }

    /// A cell: text, a number, or nothing (a percentage of zero units).
    public enum Value: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case text(String)
        case number(Double)
        case empty

        public init(stringLiteral value: String) { self = .text(value) }
        public init(integerLiteral value: Int) { self = .number(Double(value)) }
        public static func int(_ value: Int) -> Value { .number(Double(value)) }

        /// The cell as a person reads it: integers without a decimal point, other numbers
        /// to at most six decimals (balances), nothing as an empty string.
        public var text: String {
            switch self {
            case .text(let text): return text
            case .empty: return ""
            case .number(let number):
                if number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
                var text = String(format: "%.6f", number)
                while text.hasSuffix("0") { text.removeLast() }
                return text
            }
        }
    }

    /// The cells of column `key`, in row order (for tests and charts).
    public func column(_ key: String) -> [Value] {
        guard let index = columns.firstIndex(where: { $0.key == key }) else { return [] }
        return rows.map { $0.cells[index] }
    }

    /// The row about `org` (not the total), if any.
    public func row(org: String) -> Row? { rows.first { $0.org == org && !$0.isTotal } }

    /// The cell of `row` in column `key`.
    public func value(_ row: Row, _ key: String) -> Value? {
        columns.firstIndex { $0.key == key }.map { row.cells[$0] }
    }

    /// The total row, if the table has one.
    public var total: Row? { rows.first { $0.isTotal } }
}
