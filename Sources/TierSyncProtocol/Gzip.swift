import CTierSyncZlib

/// Gzip of whole HTTP bodies in memory (a body is one page, never a whole sync).
public enum Gzip {
    /// zlib's default: small bodies for slow township links.
    public static let defaultLevel: Int32 = 6
    /// For bulk pages (a snapshot), where compressing at the default level would cost more
    /// than the bytes it saves on a fast link.
    public static let fastLevel: Int32 = 1

    /// The gzip of `bytes` at `level`: deflated into a buffer of zlib's bound, never zeroed,
    /// and copied once into a result of its own size.
    public static func compress(_ bytes: [UInt8], level: Int32 = defaultLevel) -> [UInt8] {
        var stream = z_stream()
        guard tiersync_deflate_init_gzip(&stream, level) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count))) + 64
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: bound)
        defer { output.deallocate() }
        return bytes.withUnsafeBufferPointer { input in
            // zlib's `next_in` is not `const`, but deflate only reads it.
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            stream.next_out = output
            stream.avail_out = uInt(bound)
            _ = deflate(&stream, Z_FINISH)
            return Array(UnsafeBufferPointer(start: output, count: bound - Int(stream.avail_out)))
        }
    }

    /// The most an HTTP body may inflate to: a push page of JSON compresses about tenfold,
    /// and its compressed size is bounded by `SyncProtocol.maxBody`; a gzip bomb stops here.
    public static let inflateLimit = SyncProtocol.maxBody * 2

    /// The inflated bytes; refuses damaged data and output larger than `limit`.
    ///
    /// Inflated into a buffer grown by doubling from eight times the input (a push page's
    /// usual ratio), never zeroed, and copied once into the result: a hub inflating a thousand
    /// pushes at once zeroed and copied a 64 KB chunk for each before (BENCHMARKS.md, issue
    /// 13), and zeroing each new part byte by byte took seconds for a bomb in a debug build.
    public static func decompress(_ bytes: [UInt8], limit: Int = inflateLimit) throws -> [UInt8] {
        var stream = z_stream()
        guard tiersync_inflate_init_gzip(&stream) == Z_OK else {
            throw GzipError("zlib failed to start")
        }
        defer { inflateEnd(&stream) }
        // One byte past the limit tells a bomb from data that inflates to exactly the limit.
        let ceiling = limit + 1
        var size = min(max(bytes.count * 8, 1 << 12), ceiling)
        var output = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { output.deallocate() }
        var produced = 0
        return try bytes.withUnsafeBufferPointer { input in
            // zlib's `next_in` is not `const`, but inflate only reads it.
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                stream.next_out = output + produced
                stream.avail_out = uInt(size - produced)
                let status = inflate(&stream, Z_NO_FLUSH)
                produced = size - Int(stream.avail_out)
                // Z_BUF_ERROR means no progress was possible: the input ends before the data does.
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw GzipError("the gzip data is damaged or truncated")
                }
                guard produced <= limit else {
                    throw GzipError("the gzip data inflates beyond \(limit) bytes")
                }
                if status == Z_STREAM_END { return Array(UnsafeBufferPointer(start: output, count: produced)) }
                if produced == size {
                    size = min(size * 2, ceiling)
                    let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
                    larger.initialize(from: output, count: produced)
                    output.deallocate()
                    output = larger
                }
            }
        }
    }
}

/// Why in-memory gzip data (an HTTP body) could not be inflated.
public struct GzipError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
