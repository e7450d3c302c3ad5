import Foundation
import TierSyncCore
import TierSyncProtocol

/// Random damage to a bundle at each of its layers: the gzip bytes, a line (the checksum
/// then no longer matches), and a line with the checksum made to match again, which reaches
/// the JSON, id, stamp and scope checks behind it.
enum BundleMutation {
    static func random(compressed: [UInt8], lines: [[UInt8]], using random: inout SplitMix64) -> (String, [UInt8]) {
        switch random.next() % 3 {
        case 0: return ("gzip", damage(compressed, using: &random))
        case 1:
            var lines = lines
            mutateLine(&lines, using: &random)
            return ("line", Gzip.compress(joined(lines), level: 1))
        default:
            var lines = lines
            mutateLine(&lines, using: &random)
            fixTrailer(&lines)
            return ("line, checksum fixed", Gzip.compress(joined(lines), level: 1))
        }
    }

    /// Flipped bytes, a cut, a tail of garbage, or a repeated slice.
    static func damage(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        switch random.next() % 4 {
        case 0:
            for _ in 0...(random.next() % 4) {
                bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 + random.next() % 255)
            }
        case 1: bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
        case 2: bytes += (0..<(1 + random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        default:
            let start = Int(random.next() % UInt64(bytes.count))
            let end = min(bytes.count, start + 1 + Int(random.next() % 200))
            bytes.insert(contentsOf: bytes[start..<end], at: Int(random.next() % UInt64(bytes.count)))
        }
        return bytes
    }

    /// Tokens that reach the checks behind the JSON: wrong types, ids, stamps, orgs, tables.
    static let tokens = [
        "\"\"", "null", "-1", "0", "1e400", "\"x\"", "{}", "[]", "\"520203\"", "\"520201\"", "\"_deleted\"",
        "\"task\"", "\"nosuchtable\"", "9223372036854775807", "\"\\ud800\"", "\"00000000000000cc\"",
        "\"6f9619ff-8b86-4011-b42d-00c04fc964ff\"", "\"a:1,a:2\"", "\"\u{FFFF}\"", "true",
    ]

    /// One change line (never the header or trailer) altered: a byte flipped, a value
    /// replaced with a token, a line deleted, repeated or swapped.
    static func mutateLine(_ lines: inout [[UInt8]], using random: inout SplitMix64) {
        let changes = 1..<(lines.count - 2)  // header, changes, trailer, "" after the last newline
        guard !changes.isEmpty else { return }
        let at = changes.lowerBound + Int(random.next() % UInt64(changes.count))
        switch random.next() % 5 {
        case 0: lines[at][Int(random.next() % UInt64(lines[at].count))] ^= UInt8(1 + random.next() % 255)
        case 1: lines[at] = replaceValue(lines[at], using: &random)
        case 2: lines.remove(at: at)
        case 3: lines.insert(lines[at], at: at)
        default:
            let other = changes.lowerBound + Int(random.next() % UInt64(changes.count))
            lines.swapAt(at, other)
        }
    }

    /// The line with the value of one of its keys replaced by a random token.
    static func replaceValue(_ line: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        let keys = ["t", "r", "o", "f", "v", "h", "n", "vv"]
        let key = keys[Int(random.next() % UInt64(keys.count))]
        let token = tokens[Int(random.next() % UInt64(tokens.count))]
        guard let range = text.range(of: "\"\(key)\":") else { return line }
        var end = range.upperBound
        if text[end...].hasPrefix("\"") {
            end = text.index(after: end)
            while end < text.endIndex, text[end] != "\"" { end = text.index(after: end) }
            if end < text.endIndex { end = text.index(after: end) }
        } else {
            while end < text.endIndex, text[end] != ",", text[end] != "}" { end = text.index(after: end) }
        }
        return Array((text[..<range.upperBound] + token + text[end...]).utf8)
    }

    /// Makes the trailer's count and CRC-32 match the lines before it again.
    static func fixTrailer(_ lines: inout [[UInt8]]) {
        let trailerIndex = lines.count - 2
        let prefix = Array("{\"end\":".utf8)
        guard lines[trailerIndex].starts(with: prefix),
            var trailer = try? JSONDecoder().decode(
                BundleTrailer.self, from: Data(lines[trailerIndex][prefix.count..<(lines[trailerIndex].count - 1)]))
        else { return }
        trailer.count = trailerIndex - 1
        trailer.crc32 = CRC32.checksum(lines[0..<trailerIndex].flatMap { $0 + [0x0A] })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        lines[trailerIndex] = prefix + Array((try? encoder.encode(trailer)) ?? Data()) + [0x7D]
    }

    static func joined(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.map { $0 }.joined(separator: [0x0A]))
    }
}

/// CRC-32 (IEEE), as zlib computes it for the bundle's trailer.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
