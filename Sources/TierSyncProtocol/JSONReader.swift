import TierSyncCore

/// Why a JSON document was refused.
public struct JSONReaderFailure: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A small, strict JSON reader over UTF-8 bytes, for the hot paths of the protocol. It reads
/// what it is asked for (objects, arrays, strings, numbers, booleans, null) and throws on
/// anything else: input from the network never crashes it.
struct JSONReader {
    typealias Failure = JSONReaderFailure

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// Nesting depth, bounded so a hostile document cannot exhaust the stack.
    private var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func object(_ member: (String, inout JSONReader) throws -> Void) throws {
        try enter(0x7B)
        if try peek() == 0x7D {
            index += 1
            depth -= 1
            return
        }
        while true {
            let key = try string()
            try expect(0x3A)
            try member(key, &self)
            switch try next() {
            case 0x2C: continue
            case 0x7D:
                depth -= 1
                return
            default: throw Failure("expected , or } at byte \(index - 1)")
            }
        }
    }

    mutating func array(_ element: (inout JSONReader) throws -> Void) throws {
        try enter(0x5B)
        if try peek() == 0x5D {
            index += 1
            depth -= 1
            return
        }
        while true {
            try element(&self)
            switch try next() {
            case 0x2C: continue
            case 0x5D:
                depth -= 1
                return
            default: throw Failure("expected , or ] at byte \(index - 1)")
            }
        }
    }

    mutating func string() throws -> String {
        try expect(0x22)
        var start = index
        var decoded: [UInt8] = []
        var escaped = false
        var ascii = true
        while true {
            guard index < bytes.count else { throw Failure("unterminated string") }
            let byte = bytes[index]
            if byte == 0x22 { break }
            if byte < 0x20 { throw Failure("control character in a string at byte \(index)") }
            if byte >= 0x80 { ascii = false }
            if byte == 0x5C {
                decoded.append(contentsOf: bytes[start..<index])
                escaped = true
                index += 1
                guard index < bytes.count else { throw Failure("unterminated escape") }
                switch bytes[index] {
                case 0x22: decoded.append(0x22)
                case 0x5C: decoded.append(0x5C)
                case 0x2F: decoded.append(0x2F)
                case 0x62: decoded.append(0x08)
                case 0x66: decoded.append(0x0C)
                case 0x6E: decoded.append(0x0A)
                case 0x72: decoded.append(0x0D)
                case 0x74: decoded.append(0x09)
                case 0x75: decoded.append(contentsOf: try unicodeEscape())
                default: throw Failure("bad escape at byte \(index)")
                }
                index += 1
                start = index
                continue
            }
            index += 1
        }
        let end = index
        index += 1
        // Invalid UTF-8 is refused, not repaired: a repaired id or value would be stored as
        // something its sender never wrote.
        if escaped {
            decoded.append(contentsOf: bytes[start..<end])
            return try Self.text(decoded, ascii: ascii, end: end)
        }
        return try Self.text(UnsafeBufferPointer(rebasing: bytes[start..<end]), ascii: ascii, end: end)
    }

    /// `utf8` as a string, refused when it is not valid UTF-8. ASCII (most ids, codes, keys
    /// and numbers' text) is valid as it is; other text is decoded and compared with its
    /// bytes, which a repair would have changed. (`String(validating:)` is generic and costs
    /// several times as much here, run once per string of every push.)
    private static func text(_ utf8: some Collection<UInt8>, ascii: Bool, end: Int) throws -> String {
        let text = String(decoding: utf8, as: UTF8.self)
        guard ascii || text.utf8.elementsEqual(utf8) else {
            throw Failure("invalid UTF-8 in the string that ends at byte \(end)")
        }
        return text
    }

    mutating func integer() throws -> Int64 {
        skipSpace()
        let start = index
        if index < bytes.count, bytes[index] == 0x2D { index += 1 }
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        guard let value = Int64(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        else {
            throw Failure("expected an integer at byte \(start)")
        }
        return value
    }

    mutating func bool() throws -> Bool {
        if try literal("true") { return true }
        if try literal("false") { return false }
        throw Failure("expected true or false at byte \(index)")
    }

    /// A string, a number (integer when it has no fraction or exponent) or null.
    mutating func fieldValue() throws -> FieldValue {
        switch try peek() {
        case 0x22: return .text(try string())
        case 0x6E:
            guard try literal("null") else { throw Failure("expected null at byte \(index)") }
            return .null
        default:
            skipSpace()
            let start = index
            while index < bytes.count, let byte = Optional(bytes[index]),
                (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x2B || byte == 0x2E || byte == 0x65
                    || byte == 0x45
            {
                index += 1
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if let integer = Int64(text) { return .integer(integer) }
            if let real = Double(text), real.isFinite { return .real(real) }
            throw Failure("expected a value at byte \(start)")
        }
    }

    mutating func skipValue() throws {
        switch try peek() {
        case 0x7B: try object { _, reader in try reader.skipValue() }
        case 0x5B: try array { reader in try reader.skipValue() }
        case 0x22: _ = try string()
        case 0x74, 0x66: _ = try bool()
        default: _ = try fieldValue()
        }
    }

    /// Only white space may follow the document.
    mutating func end() throws {
        skipSpace()
        guard index == bytes.count else { throw Failure("data after the document at byte \(index)") }
    }

    private mutating func enter(_ byte: UInt8) throws {
        try expect(byte)
        depth += 1
        guard depth <= 64 else { throw Failure("nesting deeper than 64") }
    }

    private mutating func unicodeEscape() throws -> [UInt8] {
        func hex() throws -> UInt32 {
            guard index + 4 < bytes.count,
                let value = UInt32(
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[index + 1...index + 4]), as: UTF8.self),
                    radix: 16)
            else { throw Failure("bad \\u escape at byte \(index)") }
            index += 4
            return value
        }
        var scalar = try hex()
        if (0xD800...0xDBFF).contains(scalar) {
            guard index + 2 < bytes.count, bytes[index + 1] == 0x5C, bytes[index + 2] == 0x75 else {
                throw Failure("lone surrogate at byte \(index)")
            }
            index += 2
            let low = try hex()
            guard (0xDC00...0xDFFF).contains(low) else { throw Failure("bad surrogate pair at byte \(index)") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw Failure("bad code point at byte \(index)") }
        return Array(String(Character(unicode)).utf8)
    }

    private mutating func literal(_ word: String) throws -> Bool {
        skipSpace()
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else { return false }
        index += utf8.count
        return true
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try next() == byte else {
            throw Failure("expected '\(Character(Unicode.Scalar(byte)))' at byte \(index - 1)")
        }
    }

    private mutating func next() throws -> UInt8 {
        let byte = try peek()
        index += 1
        return byte
    }

    private mutating func peek() throws -> UInt8 {
        skipSpace()
        guard index < bytes.count else { throw Failure("unexpected end of the document") }
        return bytes[index]
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }
}
