import Foundation

/// RFC 4180 CSV: reading seed files and writing exports that spreadsheets open.
public enum CSV {
    /// Parses CSV text into rows of cells; handles quoted cells with commas, quotes and
    /// line breaks, and CRLF or LF line ends. A leading UTF-8 byte-order mark is skipped.
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var iterator = text.unicodeScalars.drop { $0 == "\u{FEFF}" }.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return iterator.next()
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    let following = next()
                    if following == "\"" {
                        cell.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        pending = following
                    }
                } else {
                    cell.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" && cell.isEmpty {
                quoted = true
            } else if scalar == "," {
                row.append(cell)
                cell = ""
            } else if scalar == "\n" || scalar == "\r" {
                if scalar == "\r" {
                    let following = next()
                    if following != "\n" { pending = following }
                }
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            } else {
                cell.unicodeScalars.append(scalar)
            }
        }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        return rows
    }

    /// One CSV line (with CRLF, as RFC 4180 and spreadsheets expect), quoting cells that
    /// need it.
    public static func line(_ cells: [String]) -> String {
        cells.map(quote).joined(separator: ",") + "\r\n"
    }

    /// The byte-order mark that makes spreadsheet programs read the file as UTF-8, so
    /// Chinese text opens intact.
    public static let byteOrderMark = "\u{FEFF}"

    static func quote(_ cell: String) -> String {
        guard cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return cell
        }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
