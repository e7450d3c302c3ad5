import TierSyncCore

extension PackedFields {
    /// Reads exactly the JSON `encode` writes (and any equivalent spacing or escapes);
    /// anything else is nil, so a damaged row is refused whole, never half-read.
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func entries() -> [Entry?]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var entries: [Entry?] = []
            if take(UInt8(ascii: "]")) { return atEnd ? entries : nil }
            repeat {
                if takeWord("null") {
                    entries.append(nil)
                    continue
                }
                guard take(UInt8(ascii: "[")), let field = string(), take(UInt8(ascii: ",")), let value = value(),
                    take(UInt8(ascii: "]"))
                else { return nil }
                entries.append((field, value))
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) && atEnd ? entries : nil
        }

        private var atEnd: Bool {
            mutating get {
                skipSpace()
                return offset == bytes.count
            }
        }

        private mutating func value() -> FieldValue? {
            skipSpace()
            guard offset < bytes.count else { return nil }
            if takeWord("null") { return .null }
            if bytes[offset] == UInt8(ascii: "\"") { return string().map(FieldValue.text) }
            let start = offset
            while offset < bytes.count, Self.numberBytes.contains(bytes[offset]) { offset += 1 }
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
            guard !literal.isEmpty else { return nil }
            if literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                return Double(literal).map(FieldValue.real)
            }
            return Int64(literal).map(FieldValue.integer)
        }

        private static let numberBytes = Set("0123456789+-.eE".utf8)

        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var utf8: [UInt8] = []
            var run = offset
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    utf8 += UnsafeBufferPointer(rebasing: bytes[run..<offset])
                    offset += 1
                    return String(decoding: utf8, as: UTF8.self)
                }
                guard byte == UInt8(ascii: "\\") else {
                    guard byte >= 0x20 else { return nil }
                    offset += 1
                    continue
                }
                utf8 += UnsafeBufferPointer(rebasing: bytes[run..<offset])
                offset += 1
                guard let scalar = escaped() else { return nil }
                utf8 += String(Character(scalar)).utf8
                run = offset
            }
            return nil
        }

        /// The character after a backslash; a `\u` pair of surrogates is one scalar.
        private mutating func escaped() -> Unicode.Scalar? {
            guard offset < bytes.count else { return nil }
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                guard let high = hex4() else { return nil }
                guard (0xD800..<0xDC00).contains(high) else { return Unicode.Scalar(high) }
                // The low half follows at once: no spacing inside a string.
                guard offset + 2 <= bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u")
                else { return nil }
                offset += 2
                guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            default: return nil
            }
        }

        private mutating func hex4() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            let digits = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + 4]), as: UTF8.self)
            offset += 4
            return digits.allSatisfy(\.isHexDigit) ? UInt32(digits, radix: 16) : nil
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
            return true
        }

        private mutating func takeWord(_ word: StaticString) -> Bool {
            skipSpace()
            let count = word.utf8CodeUnitCount
            guard offset + count <= bytes.count,
                word.withUTF8Buffer({ $0.elementsEqual(bytes[offset..<offset + count]) })
            else { return false }
            offset += count
            return true
        }

        private mutating func skipSpace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        }
    }
}
