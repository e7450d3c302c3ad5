import HTTPTypes
import Hummingbird
import NIOCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// The files of attachments, chunk by chunk (protocol v1, `/v1/blobs/`): a child sends those
/// of its subtree and fetches those in its scope; any other file is "not found", whether or
/// not it exists, so a child learns nothing of a sibling's.
extension HubRoutes {
    /// `GET /v1/blobs/{sha256}`: which chunks of the file are here.
    func blobStatus(_ request: Request, sha256: String) async throws -> Response {
        try await respond {
            let child = try await authenticate(request)
            try Self.requireDigest(sha256)
            return try await blocking {
                try hub.checkDownload(sha256: sha256, for: try hub.peer(child.org).unit)
                return try status(of: sha256, size: nil)
            }
        }
    }

    /// `PUT /v1/blobs/{sha256}/chunks/{index}?size=N`: one chunk of a file the child sends,
    /// its SHA-256 in `Chunk-SHA256`; answered with what is here of the file afterwards.
    func receiveChunk(_ request: Request, sha256: String, index text: String) async throws -> Response {
        try await respond {
            let child = try await authenticate(request)
            try Self.requireDigest(sha256)
            let index = try Self.chunkIndex(text)
            guard let size = request.uri.queryParameters.get("size").flatMap({ Int($0) }), size >= 0 else {
                throw HubError.badRequest("size must be the whole file's size in bytes, from 0")
            }
            guard let hash = request.headers[Self.chunkHashField], BlobHasher.isDigest(hash) else {
                throw HubError.badRequest(
                    "send the chunk's SHA-256 in \(BlobStatus.chunkHashHeader) (64 lowercase hex digits)")
            }
            let bytes = Array(try await request.body.collect(upTo: BlobStore.chunkSize).readableBytesView)
            return try await blocking {
                try hub.checkUpload(
                    sha256: sha256, size: size, from: try hub.peer(child.org).unit, limits: fileLimits)
                let blob = try hub.receiveChunk(bytes, index: index, chunkSHA256: hash, of: sha256, size: size)
                if blob.complete {
                    logger.info(
                        "file received", metadata: ["child": "\(child.id)", "sha256": "\(sha256)", "size": "\(size)"])
                }
                return try status(of: sha256, size: size)
            }
        }
    }

    /// `GET /v1/blobs/{sha256}/chunks/{index}`: one chunk of a file whole here, its SHA-256 in
    /// `Chunk-SHA256`.
    func blobChunk(_ request: Request, sha256: String, index text: String) async throws -> Response {
        do {
            let child = try await authenticate(request)
            try Self.requireDigest(sha256)
            let index = try Self.chunkIndex(text)
            let bytes = try await blocking {
                try hub.checkDownload(sha256: sha256, for: try hub.peer(child.org).unit)
                guard let blob = try hub.blob(sha256), blob.complete,
                    let bytes = try hub.blobChunk(sha256, index: index)
                else {
                    throw HubError(
                        status: .notFound,
                        message:
                            "chunk \(index) of file \(sha256) is not here: the file is not whole on this hub yet, or has fewer chunks"
                    )
                }
                return bytes
            }
            var headers: HTTPFields = [.contentType: "application/octet-stream"]
            headers[Self.chunkHashField] = BlobHasher.hex(of: bytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            throw HubError(error)
        }
    }

    /// What is here of `sha256`, sized from the attachments when nothing is here yet.
    private func status(of sha256: String, size: Int?) throws -> BlobStatus {
        if let blob = try hub.blob(sha256) {
            return BlobStatus(
                sha256: sha256, size: blob.size, chunkSize: blob.chunkSize,
                have: blob.complete ? Array(0..<blob.chunkCount) : try hub.blobChunksHere(sha256),
                complete: blob.complete)
        }
        let attached = try size ?? hub.attachedSize(of: sha256) ?? 0
        return BlobStatus(sha256: sha256, size: attached, chunkSize: BlobStore.chunkSize, have: [], complete: false)
    }

    static let chunkHashField = HTTPField.Name(BlobStatus.chunkHashHeader)!

    static func requireDigest(_ sha256: String) throws {
        guard BlobHasher.isDigest(sha256) else {
            throw HubError.badRequest("a file is named by its SHA-256: 64 lowercase hex digits, not '\(sha256)'")
        }
    }

    static func chunkIndex(_ text: String) throws -> Int {
        guard let index = Int(text), index >= 0, index < 1 << 24 else {
            throw HubError.badRequest("a chunk index is a whole number from 0, not '\(text)'")
        }
        return index
    }
}
