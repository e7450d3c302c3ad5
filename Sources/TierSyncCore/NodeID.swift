/// The identity of one node (one SQLite database), made once at `init`.
///
/// 64 random bits written as 16 lowercase hex digits: short on the wire and in version
/// vectors, and with thousands of nodes in a province the chance of a collision is below
/// one in 10^11.
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// let id = NodeID.random(using: &rng)   // e.g. "3f9a0c2e7b1d4456"
/// NodeID("not hex")                     // nil
/// ```
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// Accepts exactly 16 lowercase hex digits.
    ///
    /// Inlinable, so that callers in other modules get it specialized for their string type:
    /// it runs for every node of every version vector received.
    @inlinable
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 16, text.utf8.allSatisfy(Self.isLowerHex) else { return nil }
        self.rawValue = String(text)
    }

    public static func random(using generator: inout some RandomNumberGenerator) -> NodeID {
        let bits = generator.next()
        let hex = String(bits, radix: 16)
        return NodeID(String(repeating: "0", count: 16 - hex.count) + hex)!
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = NodeID(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "node id '\(text)' is not 16 lowercase hex digits"
                ))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    @usableFromInline
    static func isLowerHex(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (97...102).contains(byte)
    }
}
