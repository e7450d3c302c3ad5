/// One sheet of a spreadsheet as TierSync reads and writes it: rows of cells and the merged
/// ranges. Row 0 is the sheet's row 1.
///
/// ```swift
/// let sheet = Sheet(name: "联系人", rows: [[.text("姓名"), .text("电话")], [.text("示例·王一"), .number(13900001111)]])
/// sheet.cell(row: 1, column: 1)   // .number(13900001111, format: .general)
/// ```
public struct Sheet: Sendable, Equatable {
    public var name: String
    public var rows: [[Cell]]
    /// Merged ranges (合并单元格), as the file declares them.
    public var merges: [CellRange]

    public init(name: String, rows: [[Cell]], merges: [CellRange] = []) {
        self.name = name
        self.rows = rows
        self.merges = merges
    }

    /// The cell at 0-based `row` and `column`; `.empty` outside the rows.
    public func cell(row: Int, column: Int) -> Cell {
        guard rows.indices.contains(row), rows[row].indices.contains(column) else { return .empty }
        return rows[row][column]
    }
}

/// A cell's value as the spreadsheet stores it: text, or a number with the kind of format
/// shown (a date is a number of days since 1899-12-30 shown as a date).
public enum Cell: Sendable, Equatable {
    case empty
    case text(String)
    case number(Double, format: NumberFormat = .general)

    public enum NumberFormat: Sendable, Equatable {
        case general
        /// Shown as a date or a date and time: the number is an Excel serial date.
        case date
    }

    public var isEmpty: Bool {
        if case .text(let text) = self { return text.allSatisfy(\.isWhitespace) }
        return self == .empty
    }
}

/// A rectangle of cells, 0-based and inclusive, as `A1:G1` names it.
public struct CellRange: Sendable, Equatable {
    public var firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int

    public init(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) {
        (self.firstRow, self.firstColumn, self.lastRow, self.lastColumn) = (firstRow, firstColumn, lastRow, lastColumn)
    }

    /// Parses `C2:D2` (or a single cell `C2`); nil when it is not a reference.
    public init?(reference: String) {
        let parts = reference.split(separator: ":")
        guard (1...2).contains(parts.count), let first = CellReference(String(parts[0])),
            let last = CellReference(String(parts.last!))
        else { return nil }
        self.init(firstRow: first.row, firstColumn: first.column, lastRow: last.row, lastColumn: last.column)
    }

    /// `C2:D2`.
    public var reference: String {
        CellReference(row: firstRow, column: firstColumn).description + ":"
            + CellReference(row: lastRow, column: lastColumn).description
    }

    public func contains(row: Int) -> Bool { (firstRow...lastRow).contains(row) }
}

/// A cell's address: `C2` is row 1, column 2 (0-based).
public struct CellReference: Sendable, Equatable, CustomStringConvertible {
    public let row: Int
    public let column: Int

    public init(row: Int, column: Int) {
        (self.row, self.column) = (row, column)
    }

    public init?(_ text: String) {
        var column = 0
        var digits = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A where digits.isEmpty: column = column * 26 + Int(scalar.value - 0x40)
            case 0x61...0x7A where digits.isEmpty: column = column * 26 + Int(scalar.value - 0x60)
            case 0x30...0x39: digits.unicodeScalars.append(scalar)
            case 0x24: continue  // $A$1
            default: return nil
            }
        }
        guard column > 0, column <= 16_384, let row = Int(digits), row > 0, row <= 1_048_576 else { return nil }
        self.init(row: row - 1, column: column - 1)
    }

    /// The column's letters: 0 → `A`, 26 → `AA`.
    public static func letters(_ column: Int) -> String {
        var number = column + 1
        var letters = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters
    }

    public var description: String { Self.letters(column) + String(row + 1) }
}
