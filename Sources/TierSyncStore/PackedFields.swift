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
        // Built as UTF-8 bytes, copying each string's unescaped runs whole: appending to a
        // `String` scalar by scalar was most of a local write's time.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.count * 32 + 2)
        bytes.append(UInt8(ascii: "["))
        for (index, entry) in entries.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let entry else {
                bytes += "null".utf8
                continue
            }
            bytes.append(UInt8(ascii: "["))
            appendString(entry.field, to: &bytes)
            bytes.append(UInt8(ascii: ","))
            switch entry.value {
            case .null: bytes += "null".utf8
            case .integer(let integer): bytes += String(integer).utf8
            case .real(let real): bytes += number(real).utf8
            case .text(let string): appendString(string, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
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

    private static func appendString(_ string: String, to bytes: inout [UInt8]) {
        var string = string
        bytes.append(UInt8(ascii: "\""))
        string.withUTF8 { utf8 in
            var run = 0
            for (offset, byte) in utf8.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes += UnsafeBufferPointer(rebasing: utf8[run..<offset])
                run = offset + 1
                switch byte {
                case UInt8(ascii: "\""): bytes += #"\""#.utf8
                case UInt8(ascii: "\\"): bytes += #"\\"#.utf8
                case UInt8(ascii: "\n"): bytes += #"\n"#.utf8
                case UInt8(ascii: "\r"): bytes += #"\r"#.utf8
                case UInt8(ascii: "\t"): bytes += #"\t"#.utf8
                default: bytes += (#"\u00"# + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)).utf8
                }
            }
            bytes += UnsafeBufferPointer(rebasing: utf8[run...])
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
