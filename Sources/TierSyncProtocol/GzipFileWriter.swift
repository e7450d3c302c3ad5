import CTierSyncZlib
import Foundation

/// Writes a gzip file as a stream: bytes go through zlib in chunks, so a bundle of any size
/// is never held in memory whole.
///
/// ```swift
/// let gzip = try GzipFileWriter(path: "out.gz")
/// try gzip.write(Array("line\n".utf8))
/// try gzip.finish()
/// ```
public final class GzipFileWriter {
    private var stream = z_stream()
    private let handle: FileHandle
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    private var finished = false

    public init(path: String, level: Int32 = Gzip.defaultLevel) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw BundleError.cannotWrite(path: path)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw BundleError.cannotWrite(path: path) }
        self.handle = handle
        guard tiersync_deflate_init_gzip(&stream, level) == Z_OK else { throw BundleError.cannotWrite(path: path) }
    }

    deinit {
        if !finished { deflateEnd(&stream) }
        try? handle.close()
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            try pump(flush: Z_NO_FLUSH)
        }
    }

    /// Flushes the compressed stream and its gzip trailer, and closes the file.
    public func finish() throws {
        stream.next_in = nil
        stream.avail_in = 0
        try pump(flush: Z_FINISH)
        deflateEnd(&stream)
        finished = true
        try handle.synchronize()
        try handle.close()
    }

    private func pump(flush: Int32) throws {
        repeat {
            let produced = try output.withUnsafeMutableBufferPointer { buffer -> Int in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                let status = deflate(&stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw BundleError.corrupt(reason: "compression failed (zlib status \(status))")
                }
                return buffer.count - Int(stream.avail_out)
            }
            if produced > 0 { try handle.write(contentsOf: output[0..<produced]) }
        } while stream.avail_out == 0 || (flush == Z_FINISH && stream.avail_in > 0)
    }
}
