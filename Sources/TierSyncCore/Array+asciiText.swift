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
    @inlinable
    public mutating func appendDecimal(_ value: UInt64) {
        guard value != 0 else { return append(UInt8(ascii: "0")) }
        var digits: (UInt64, Int) = (value, 0)
        while digits.0 > 0 { digits = (digits.0 / 10, digits.1 + 1) }
        let start = count
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits.1))
        var rest = value
        var index = start + digits.1 - 1
        while rest > 0 {
            self[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
    }

    /// Appends `value` in decimal digits, with a minus sign when negative.
    @inlinable
    public mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude)
    }
}
