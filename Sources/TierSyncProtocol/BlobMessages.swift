/// What a hub has of one attachment's file: `GET /v1/blobs/{sha256}`, and the answer to each
/// chunk sent with `PUT /v1/blobs/{sha256}/chunks/{index}?size=N`.
///
/// A file moves in chunks of `chunkSize` bytes (the last one shorter), each sent with its own
/// SHA-256 in `Chunk-SHA256` and checked on arrival; the whole is checked again once every
/// chunk is there. A sender cut off asks for the status and sends only the chunks missing.
public struct BlobStatus: Codable, Sendable, Equatable {
    public var sha256: String
    public var size: Int
    public var chunkSize: Int
    /// The indices of the chunks the hub has, in order.
    public var have: [Int]
    /// Every chunk is there and the whole matched `sha256`.
    public var complete: Bool

    public init(sha256: String, size: Int, chunkSize: Int, have: [Int], complete: Bool) {
        (self.sha256, self.size, self.chunkSize, self.have, self.complete) = (sha256, size, chunkSize, have, complete)
    }

    /// The header that carries a chunk's own SHA-256, both ways.
    public static let chunkHashHeader = "Chunk-SHA256"
}
