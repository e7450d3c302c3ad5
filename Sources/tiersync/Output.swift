import Foundation
import TierSyncDomain
import TierSyncReports
import TierSyncStore

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

    /// A record just written: its whole JSON document, or its id alone (for scripts that
    /// capture it with `$(…)`).
    static func record(_ record: StoredRecord, json: Bool) throws {
        line(json ? try RecordDocument(record).json() : record.id.rawValue)
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
        let cells = ([header] + rows).map { $0.map { ReportText.truncate($0, to: maxWidth) } }
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
    static func width(of text: String) -> Int { ReportText.width(of: text) }
}
