/// What a node has of one blob (the bytes of an attachment, named by their SHA-256).
public struct BlobInfo: Codable, Sendable, Equatable {
    public var sha256: String
    public var size: Int
    public var chunkSize: Int
    /// Every chunk is here and the whole hashed to `sha256`.
    public var complete: Bool
    /// The parent said it has the whole blob.
    public var sentUp: Bool
    public var chunksHere: Int

    public init(sha256: String, size: Int, chunkSize: Int, complete: Bool, sentUp: Bool, chunksHere: Int) {
        (self.sha256, self.size, self.chunkSize, self.complete, self.sentUp, self.chunksHere) = (
            sha256, size, chunkSize, complete, sentUp, chunksHere
        )
    }

    /// How many chunks the whole blob has (none for an empty file).
    public var chunkCount: Int { (size + chunkSize - 1) / chunkSize }

    /// The length of chunk `index`: `chunkSize`, but for the last one.
    public func length(ofChunk index: Int) -> Int { min(chunkSize, size - index * chunkSize) }
}
