import Foundation
import TierSyncProtocol
import TierSyncStore

/// The files of attachments, chunk by chunk (`/v1/blobs/`).
extension ParentClient {
    /// What the parent has of the file `sha256`; nil when it has no such file in this node's
    /// scope (it answers 404 alike for a file it lacks and for one this node may not see).
    public func blobStatus(_ sha256: String) async throws -> BlobStatus? {
        do {
            let bytes = try await exchange("GET", "v1/blobs/\(sha256)").bytes
            return try JSONDecoder().decode(BlobStatus.self, from: Data(bytes))
        } catch let error as ClientError where error.status == 404 {
            return nil
        } catch let error as DecodingError {
            throw ClientError.badResponse("v1/blobs/\(sha256): \(error)")
        }
    }

    /// Sends chunk `index` of the file `sha256` of `size` bytes, with its own SHA-256.
    ///
    /// - Returns: what the parent has of the file afterwards.
    public func sendChunk(_ bytes: [UInt8], index: Int, of sha256: String, size: Int) async throws -> BlobStatus {
        let path = "v1/blobs/\(sha256)/chunks/\(index)"
        let answer = try await exchange(
            "PUT", path, query: "size=\(size)", raw: bytes,
            headers: [BlobStatus.chunkHashHeader: BlobHasher.hex(of: bytes)])
        do {
            return try JSONDecoder().decode(BlobStatus.self, from: Data(answer.bytes))
        } catch {
            throw ClientError.badResponse("\(path): \(error)")
        }
    }

    /// Chunk `index` of the file `sha256`, and the SHA-256 the parent sent with it.
    public func fetchChunk(_ sha256: String, index: Int) async throws -> (bytes: [UInt8], sha256: String) {
        let path = "v1/blobs/\(sha256)/chunks/\(index)"
        let answer = try await exchange("GET", path)
        guard let hash = answer.headers[BlobStatus.chunkHashHeader.lowercased()] else {
            throw ClientError.badResponse("\(path): no \(BlobStatus.chunkHashHeader) header")
        }
        return (answer.bytes, hash)
    }
}
