/// A cursor over UTF-8 bytes for the store's compact text forms.
struct ByteScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// A non-empty string up to (and consuming) `terminator`.
    mutating func string(upTo terminator: UInt8) -> String? {
        let start = index
        while let byte = current, byte != terminator, byte != 0x0A { index += 1 }
        guard index > start, skip(terminator) else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
    }

    /// A decimal number; consumes `terminator` when one is given.
    mutating func integer(upTo terminator: UInt8? = nil) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        while let byte = current, (0x30...0x39).contains(byte) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0, digits <= 20 else { return nil }
        if let terminator, !skip(terminator) { return nil }
        return value
    }

    /// 16 lowercase hex digits.
    mutating func nodeID() -> NodeID? {
        guard index + 16 <= bytes.count else { return nil }
        let id = NodeID(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + 16]), as: UTF8.self))
        if id != nil { index += 16 }
        return id
    }
}
