import CTierSyncZlib

/// Gzip of whole HTTP bodies in memory (a body is one page, never a whole sync).
public enum Gzip {
    /// zlib's default: small bodies for slow township links.
    public static let defaultLevel: Int32 = 6
    /// For bulk pages (a snapshot), where compressing at the default level would cost more
    /// than the bytes it saves on a fast link.
    public static let fastLevel: Int32 = 1

    public static func compress(_ bytes: [UInt8], level: Int32 = defaultLevel) -> [UInt8] {
        var stream = z_stream()
        guard tiersync_deflate_init_gzip(&stream, level) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                _ = deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    /// The most an HTTP body may inflate to: a push page of JSON compresses about tenfold,
    /// and its compressed size is bounded by `SyncProtocol.maxBody`; a gzip bomb stops here.
    public static let inflateLimit = SyncProtocol.maxBody * 2

    /// The inflated bytes; refuses damaged data and output larger than `limit`.
    ///
    /// Inflated straight into the result, grown by doubling from eight times the input (a
    /// push page's usual ratio): a hub inflating a thousand pushes at once zeroed and copied a
    /// 64 KB chunk for each before (BENCHMARKS.md, issue 13).
    public static func decompress(_ bytes: [UInt8], limit: Int = inflateLimit) throws -> [UInt8] {
        var stream = z_stream()
        guard tiersync_inflate_init_gzip(&stream) == Z_OK else {
            throw GzipError("zlib failed to start")
        }
        defer { inflateEnd(&stream) }
        // One byte past the limit tells a bomb from data that inflates to exactly the limit.
        let ceiling = limit + 1
        var output: [UInt8] = []
        var size = min(max(bytes.count * 8, 1 << 12), ceiling)
        return try bytes.withUnsafeBufferPointer { input in
            // zlib's `next_in` is not `const`, but inflate only reads it.
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let start = output.count
                output.append(contentsOf: repeatElement(0, count: size - start))
                var status: Int32 = Z_OK
                let produced = output.withUnsafeMutableBufferPointer { buffer -> Int in
                    stream.next_out = buffer.baseAddress! + start
                    stream.avail_out = uInt(size - start)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return size - start - Int(stream.avail_out)
                }
                output.removeLast(size - start - produced)
                guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && produced > 0) else {
                    throw GzipError("the gzip data is damaged or truncated")
                }
                guard output.count <= limit else {
                    throw GzipError("the gzip data inflates beyond \(limit) bytes")
                }
                if status == Z_STREAM_END { return output }
                if output.count == size { size = min(size * 2, ceiling) }
            }
        }
    }
}

/// Why in-memory gzip data (an HTTP body) could not be inflated.
public struct GzipError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
