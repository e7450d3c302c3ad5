import CTierSyncZlib
import Foundation

/// Reads a gzip file as a stream of lines, inflating it in chunks; refuses a file that ends
/// before the gzip stream does (truncated) or whose data or checksum is wrong (altered).
public final class GzipFileReader {
    private var stream = z_stream()
    private let handle: FileHandle
    private var input = [UInt8]()
    private var pending = [UInt8]()
    /// Inflated bytes of one step, reused: allocated once per file, not per 64 KiB.
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    private var pendingStart = 0
    private var ended = false
    private let path: String

    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BundleError.cannotRead(path: path) }
        self.handle = handle
        guard tiersync_inflate_init_gzip(&stream) == Z_OK else { throw BundleError.cannotRead(path: path) }
    }

    deinit {
        inflateEnd(&stream)
        try? handle.close()
    }

    /// The next line without its line feed; nil at the end of the stream. Lines longer than
    /// `maxLine` bytes are refused, so a damaged file cannot make the reader grow unbounded.
    public func readLine(maxLine: Int = 16 << 20) throws -> [UInt8]? {
        while true {
            if let newline = pending[pendingStart...].firstIndex(of: 0x0A) {
                let line = Array(pending[pendingStart..<newline])
                pendingStart = newline + 1
                if pendingStart > 1 << 16 {
                    pending.removeFirst(pendingStart)
                    pendingStart = 0
                }
                return line
            }
            if pending.count - pendingStart > maxLine {
                throw BundleError.corrupt(reason: "a line longer than \(maxLine) bytes")
            }
            if ended {
                guard pendingStart == pending.count else { throw BundleError.truncated }
                return nil
            }
            try inflateMore()
        }
    }

    private func inflateMore() throws {
        if stream.avail_in == 0 {
            guard let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty else {
                throw BundleError.truncated
            }
            input = Array(chunk)
            stream.avail_in = uInt(input.count)
        }
        let consumedFrom = input.count - Int(stream.avail_in)
        let (status, produced) = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> (Int32, Int) in
                stream.next_in = inBuffer.baseAddress! + consumedFrom
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, outBuffer.count - Int(stream.avail_out))
            }
        }
        pending.append(contentsOf: output[0..<produced])
        switch status {
        case Z_OK, Z_BUF_ERROR: break
        case Z_STREAM_END: ended = true
        default: throw BundleError.corrupt(reason: "the compressed data is damaged (zlib status \(status))")
        }
    }
}
