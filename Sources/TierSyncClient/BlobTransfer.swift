import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// Moves the files of attachments between a node and its parent, after the records that
/// refer to them: sends the parent what it lacks of the files of this node's subtree, then
/// fetches what this node lacks of the files it holds attachments for. A chunk at a time,
/// each stored in its own transaction, so a cut link costs at most the chunk in flight and
/// the next sync asks which chunks are there and goes on from them.
struct BlobTransfer {
    let node: any SyncChild
    let client: ParentClient
    /// How many times a chunk damaged on the way is sent or fetched again before the file is
    /// left for the next sync.
    static let attempts = 3

    /// What moved, and the files that could not (a hub's limit, a file damaged each time).
    struct Outcome {
        var sent = 0
        var fetched = 0
        var bytes = 0
        var problems: [String] = []
    }

    func run(into outcome: inout Outcome, progress: (Int) -> Void) async throws {
        try await sendUp(into: &outcome, progress: progress)
        try await fetchDown(into: &outcome, progress: progress)
    }

    func sendUp(into outcome: inout Outcome, progress: (Int) -> Void) async throws {
        for blob in try node.blobsToSendUp() {
            // nil: the parent has no attachment for it (yet); the next sync asks again.
            guard let status = try await client.blobStatus(blob.sha256) else { continue }
            var complete = status.complete
            var missing = Set(0..<blob.chunkCount).subtracting(status.have).sorted()
            while !complete, !missing.isEmpty {
                let index = missing.removeFirst()
                guard let bytes = try node.blobChunk(blob.sha256, index: index) else {
                    throw StoreError.blobNotHere(sha256: blob.sha256)
                }
                guard let answer = try await send(bytes, index: index, of: blob, problems: &outcome.problems) else {
                    break
                }
                complete = answer.complete
                outcome.bytes += bytes.count
                progress(outcome.bytes)
            }
            if complete {
                try node.markSentUp(blob.sha256)
                outcome.sent += 1
            }
        }
    }

    /// Sends one chunk, again while the parent says it arrived damaged; nil when the parent
    /// refused it for good (a limit, or damaged each time), the reason added to `problems`.
    private func send(_ bytes: [UInt8], index: Int, of blob: BlobInfo, problems: inout [String]) async throws
        -> BlobStatus?
    {
        var attempt = 1
        while true {
            let refusal: ClientError
            do {
                return try await client.sendChunk(bytes, index: index, of: blob.sha256, size: blob.size)
            } catch let error as ClientError where (400..<500).contains(error.status ?? 0) {
                refusal = error
            }
            if refusal.status == 400, attempt < Self.attempts {
                attempt += 1
                continue
            }
            problems.append("file \(blob.sha256): \(refusal)")
            return nil
        }
    }

    func fetchDown(into outcome: inout Outcome, progress: (Int) -> Void) async throws {
        for wanted in try node.blobsWanted() {
            guard let status = try await client.blobStatus(wanted.sha256), status.complete else { continue }
            guard status.chunkSize == BlobStore.chunkSize, status.size == wanted.size else {
                outcome.problems.append(
                    "file \(wanted.sha256): the parent has it as \(status.size) bytes in chunks of \(status.chunkSize), not \(wanted.size) in chunks of \(BlobStore.chunkSize)"
                )
                continue
            }
            let count = (status.size + status.chunkSize - 1) / status.chunkSize
            var missing = Set(0..<count).subtracting(try node.blobChunksHere(wanted.sha256)).sorted()
            while !missing.isEmpty {
                let index = missing.removeFirst()
                switch try await fetch(index, of: wanted.sha256, size: status.size) {
                case .success(let (blob, bytes)):
                    outcome.bytes += bytes
                    progress(outcome.bytes)
                    if blob.complete { outcome.fetched += 1 }
                case .failure(let refusal):
                    outcome.problems.append("file \(wanted.sha256): \(refusal)")
                    missing = []
                }
            }
        }
    }

    /// Fetches and stores one chunk, again while it arrives damaged; this node's refusal
    /// (damaged each time, or the whole not matching) as a failure.
    private func fetch(_ index: Int, of sha256: String, size: Int) async throws -> Result<(BlobInfo, Int), StoreError> {
        var attempt = 1
        while true {
            let (bytes, hash) = try await client.fetchChunk(sha256, index: index)
            do {
                let blob = try node.receiveChunk(bytes, index: index, chunkSHA256: hash, of: sha256, size: size)
                return .success((blob, bytes.count))
            } catch let error as StoreError where error.isBadRequest {
                guard attempt < Self.attempts else { return .failure(error) }
                attempt += 1
            }
        }
    }
}
