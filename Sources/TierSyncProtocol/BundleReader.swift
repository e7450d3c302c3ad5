import CTierSyncZlib
import Foundation
import TierSyncCore

/// Reads a bundle file as a stream: the header first, then one change at a time; at the
/// end, checks the trailer's count and CRC-32 against what was read. A truncated or altered
/// file fails with a `BundleError` before `next()` returns nil.
///
/// ```swift
/// let reader = try BundleReader(path: "from-township.tsb")
/// while let change = try reader.next() { ... }
/// reader.trailer   // set once next() has returned nil
/// ```
public final class BundleReader {
    public let header: BundleHeader
    public private(set) var trailer: BundleTrailer?
    private let gzip: GzipFileReader
    private var crc: uLong = crc32(0, nil, 0)
    private var count = 0
    private let decoder = JSONDecoder()
    private static let trailerPrefix = Array("{\"end\":".utf8)

    public init(path: String) throws {
        gzip = try GzipFileReader(path: path)
        let first: [UInt8]?
        do {
            first = try gzip.readLine(maxLine: 1 << 16)
        } catch {
            // A gzip file that fails to read is a damaged bundle; anything else is not one.
            let start = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 2) }
            guard start == Data([0x1F, 0x8B]) else { throw BundleError.notABundle(reason: "it is not gzip data") }
            throw error as? BundleError ?? BundleError.corrupt(reason: "its start is unreadable")
        }
        guard let first, let header = try? decoder.decode(BundleHeader.self, from: Data(first)),
            header.format == BundleHeader.format
        else { throw BundleError.notABundle(reason: "its first line is not a bundle header") }
        guard header.version <= BundleHeader.formatVersion else {
            throw BundleError.unsupported(version: header.version)
        }
        self.header = header
        update(line: first)
    }

    /// The next change, or nil after the verified trailer.
    public func next() throws -> FieldChange? {
        guard trailer == nil else { return nil }
        guard let line = try gzip.readLine() else { throw BundleError.truncated }
        if line.starts(with: Self.trailerPrefix) {
            guard line.last == 0x7D,
                let trailer = try? decoder.decode(
                    BundleTrailer.self, from: Data(line[Self.trailerPrefix.count..<(line.count - 1)]))
            else { throw BundleError.corrupt(reason: "its last line is malformed") }
            guard trailer.count == count else {
                throw BundleError.corrupt(reason: "it holds \(count) changes but says \(trailer.count)")
            }
            guard trailer.crc32 == UInt32(crc) else {
                throw BundleError.corrupt(reason: "its checksum does not match its content")
            }
            guard try gzip.readLine() == nil else {
                throw BundleError.corrupt(reason: "there is data after its last line")
            }
            self.trailer = trailer
            return nil
        }
        update(line: line)
        count += 1
        do {
            // The same strict hand-written reader as pull pages: a bundle can hold millions.
            let wire = try line.withUnsafeBufferPointer { buffer in
                var reader = JSONReader(bytes: buffer)
                let wire = try PullPageCodec.decodeChange(&reader)
                try reader.end()
                return wire
            }
            return try wire.change()
        } catch let error as BundleError {
            throw error
        } catch let error as WireChangeError {
            throw BundleError.corrupt(reason: "change \(count): \(error)")
        } catch {
            throw BundleError.corrupt(reason: "change \(count) is not valid JSON")
        }
    }

    /// Adds a line and its newline to the checksum (CRC-32 runs on, so no copy with the
    /// newline appended is made).
    private func update(line: [UInt8]) {
        crc = line.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        crc = withUnsafeBytes(of: UInt8(0x0A)) { crc32(crc, $0.bindMemory(to: UInt8.self).baseAddress, 1) }
    }
}
