import CTierSyncZlib
import Foundation
import TierSyncCore

/// Writes a bundle file: a gzip stream of JSON lines (header, changes, trailer), written to
/// `PATH.partial` and renamed into place only when complete, so an interrupted export never
/// leaves a file that looks finished.
///
/// ```swift
/// let writer = try BundleWriter(path: "to-county.tsb", header: header)
/// for change in changes { try writer.append(change) }
/// try writer.finish(nodes: directory)
/// ```
public final class BundleWriter {
    private let path: String
    private let partial: String
    private let gzip: GzipFileWriter
    private var crc: uLong = crc32(0, nil, 0)
    private var buffer: [UInt8] = []
    public private(set) var count = 0

    public init(path: String, header: BundleHeader) throws {
        self.path = path
        self.partial = path + ".partial"
        self.gzip = try GzipFileWriter(path: partial)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try emit(Array(try encoder.encode(header)) + [0x0A])  // once per file
    }

    public func append(_ change: FieldChange) throws {
        try emit(WireChange.jsonLine(change).utf8)
        count += 1
    }

    /// Writes the trailer and puts the file in place.
    @discardableResult
    public func finish(nodes: [NodeID: String]) throws -> BundleTrailer {
        try flush()
        let trailer = BundleTrailer(
            count: count, crc32: UInt32(crc),
            nodes: Dictionary(uniqueKeysWithValues: nodes.map { ($0.key.rawValue, $0.value) }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try gzip.write(Array("{\"end\":".utf8) + Array(try encoder.encode(trailer)) + Array("}\n".utf8))
        try gzip.finish()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        return trailer
    }

    /// Appends bytes to the buffer and the checksum, without an intermediate array per line.
    private func emit(_ bytes: some Collection<UInt8>) throws {
        let start = buffer.count
        buffer.append(contentsOf: bytes)
        crc = buffer.withUnsafeBufferPointer { crc32(crc, $0.baseAddress! + start, uInt($0.count - start)) }
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        try gzip.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
