extension [UInt8] {
    /// Appends `value` in decimal digits.
    ///
    /// The store's text forms (field versions, vectors) are written as UTF-8 bytes and made a
    /// `String` once: appending to a `String` piece by piece, and `String(value)` for each
    /// number, was most of encoding a record's versions on the hub's push path.
    ///
    /// ```swift
    /// var bytes: [UInt8] = []
    /// bytes.appendDecimal(1_764_000_000_000)   // "1764000000000"
    /// ```
    mutating func appendDecimal(_ value: UInt64) {
        // Digits from the last, into 24 bytes on the stack (a UInt64 has at most 20).
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &digits) { buffer in
            var rest = value
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Appends `value` in decimal digits, with a minus sign when negative.
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude)
    }
}
