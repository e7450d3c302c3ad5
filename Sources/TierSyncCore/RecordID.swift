/// The global id of a synced record: a UUID made where the record is created, in lowercase.
///
/// ```swift
/// RecordID("6F9619FF-8B86-D011-B42D-00C04FC964FF")?.rawValue  // "6f9619ff-8b86-d011-b42d-00c04fc964ff"
/// RecordID("42")                                          // nil
/// ```
public struct RecordID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// Accepts a UUID in the 8-4-4-4-12 hex form, either case; stores it lowercased.
    public init?(_ text: some StringProtocol) {
        // Ids read back from storage or the wire are canonical already: check them in place.
        if text.utf8.withContiguousStorageIfAvailable(Self.isCanonical) == true {
            self.rawValue = String(text)
            return
        }
        var bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == 0x2D else { return nil }
            } else if (0x41...0x46).contains(byte) {
                bytes[index] = byte + 0x20
            } else if !((0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)) {
                return nil
            }
        }
        self.rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// A random (version 4) id.
    public static func random(using generator: inout some RandomNumberGenerator) -> RecordID {
        var bits = (generator.next(), generator.next())
        var text = [UInt8]()
        text.reserveCapacity(36)
        withUnsafeMutableBytes(of: &bits) { raw in
            raw[6] = raw[6] & 0x0F | 0x40
            raw[8] = raw[8] & 0x3F | 0x80
            let hex = Array("0123456789abcdef".utf8)
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { text.append(0x2D) }
                text.append(hex[Int(byte >> 4)])
                text.append(hex[Int(byte & 0x0F)])
            }
        }
        return RecordID(rawValue: String(decoding: text, as: UTF8.self))
    }

    private init(rawValue: String) { self.rawValue = rawValue }

    /// True for the stored form: 8-4-4-4-12 lowercase hex digits.
    private static func isCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 36 else { return false }
        for index in 0..<36 {
            let byte = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == 0x2D else { return false }
            } else if !((0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)) {
                return false
            }
        }
        return true
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = RecordID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "record id '\(text)' is not a UUID"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
