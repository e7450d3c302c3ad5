import TierSyncCore

/// The `more` column of a packed change-log row: the write's fields after its first, as a
/// JSON array of `[field, value]` pairs, with `null` for an entry compaction dropped.
///
/// JSON so that SQLite can expand it (the `change_log` view); written and read here, not by
/// SQLite's JSON functions, because those keep only 15 digits of a real and a value must come
/// back exactly as it was written:
///
/// ```swift
/// let text = PackedFields.encode([("name", .text("张三")), nil, ("rank", .real(0.1 + 0.2))])
/// // [["name","张三"],null,["rank",0.30000000000000004]]
/// PackedFields.decode(text)  // the same three entries
/// ```
enum PackedFields {
    typealias Entry = (field: String, value: FieldValue)

    static func encode(_ entries: [Entry?]) -> String {
        var text = "["
        for (index, entry) in entries.enumerated() {
            if index > 0 { text.append(",") }
            guard let entry else {
                text.append("null")
                continue
            }
            text.append("[")
            appendString(entry.field, to: &text)
            text.append(",")
            switch entry.value {
            case .null: text.append("null")
            case .integer(let integer): text.append(String(integer))
            case .real(let real): text.append(number(real))
            case .text(let string): appendString(string, to: &text)
            }
            text.append("]")
        }
        text.append("]")
        return text
    }

    /// The entries of `text`; nil when it is not what `encode` writes.
    static func decode(_ text: String) -> [Entry?]? {
        var text = text
        return text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            return parser.entries()
        }
    }

    /// A real as JSON, always with a point or an exponent so that it reads back as a real.
    /// SQLite stores NaN as NULL; infinities, which JSON lacks, overflow back to themselves.
    private static func number(_ real: Double) -> String {
        if real.isNaN { return "null" }
        if real.isInfinite { return real > 0 ? "9e999" : "-9e999" }
        return "\(real)"
    }

    private static func appendString(_ string: String, to text: inout String) {
        text.append("\"")
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text.append("\"")
    }
}
