import Foundation
import TierSyncDomain

/// Printing to standard output: buffered chunks for large exports, JSON, and tables whose
/// columns line up with Chinese text (which takes two columns per character).
enum Output {
    static func line(_ text: String = "") { write(text + "\n") }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func json(_ value: some Encodable) throws {
        line(String(decoding: try RecordDocument.encoder(pretty: false).encode(value), as: UTF8.self))
    }

    /// A writer that collects small pieces and writes 64 KiB at a time.
    final class Buffered {
        private var buffer = Data()
        func emit(_ text: String) {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 { flush() }
        }
        func flush() {
            FileHandle.standardOutput.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// An aligned text table; cells longer than `maxWidth` columns are cut with an ellipsis.
    static func table(_ header: [String], _ rows: [[String]], maxWidth: Int = 40) {
        let cells = ([header] + rows).map { $0.map { truncate($0, to: maxWidth) } }
        let widths = header.indices.map { column in cells.map { width(of: $0[column]) }.max() ?? 0 }
        for (index, row) in cells.enumerated() {
            line(
                zip(row, widths).map { cell, width in
                    cell + String(repeating: " ", count: width - Output.width(of: cell))
                }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            if index == 0 { line(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }

    /// Terminal columns: East Asian wide characters take two.
    static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, scalar in
            sum + (isWide(scalar) ? 2 : (scalar.properties.generalCategory == .nonspacingMark ? 0 : 1))
        }
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    static func truncate(_ text: String, to maxWidth: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard width(of: flat) > maxWidth else { return flat }
        var result = ""
        for character in flat {
            if width(of: result + String(character)) > maxWidth - 1 { break }
            result.append(character)
        }
        return result + "…"
    }
}
