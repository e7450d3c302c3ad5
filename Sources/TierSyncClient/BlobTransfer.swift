import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// Moves the files of attachments between a node and its parent, after the records that
/// refer to them: sends the parent what it lacks of the files of this node's subtree, then
/// fetches what this node lacks of the files it holds attachments for. A chunk at a time,
/// each stored in its own transaction, so a cut link costs at most the chunk in flight and
/// the next sync asks which chunks are there and goes on from them.
struct BlobTransfer {
    let node: TierSyncNode
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
            guard var status = try await client.blobStatus(blob.sha256) else { continue }
            let have = Set(status.have)
            send: for index in 0..<blob.chunkCount where !status.complete && !have.contains(index) {
                guard let bytes = try node.blobChunk(blob.sha256, index: index) else {
                    throw StoreError.blobNotHere(sha256: blob.sha256)
                }
                for attempt in 1...Self.attempts {
                    do {
                        status = try await client.sendChunk(bytes, index: index, of: blob.sha256, size: blob.size)
                        outcome.bytes += bytes.count
                        progress(outcome.bytes)
                        break
                    } catch let error as ClientError where error.status == 400 && attempt < Self.attempts {
                        continue  // damaged on the way: send it again
                    } catch let error as ClientError where error.status.map({ (400..<500).contains($0) }) == true {
                        outcome.problems.append("file \(blob.sha256): \(error)")
                        break send
                    }
                }
            }
            if status.complete {
                try node.markSentUp(blob.sha256)
                outcome.sent += 1
            }
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
            let here = Set(try node.blobChunksHere(wanted.sha256))
            let count = (status.size + status.chunkSize - 1) / status.chunkSize
            fetch: for index in 0..<count where !here.contains(index) {
                for attempt in 1...Self.attempts {
                    let (bytes, hash) = try await client.fetchChunk(wanted.sha256, index: index)
                    do {
                        let blob = try node.receiveChunk(
                            bytes, index: index, chunkSHA256: hash, of: wanted.sha256, size: status.size)
                        outcome.bytes += bytes.count
                        progress(outcome.bytes)
                        if blob.complete { outcome.fetched += 1 }
                        break
                    } catch let error as StoreError where attempt < Self.attempts && error.isBadRequest {
                        continue  // damaged on the way: fetch it again
                    } catch let error as StoreError where error.isBadRequest {
                        outcome.problems.append("file \(wanted.sha256): \(error)")
                        break fetch
                    }
                }
            }
        }
    }
}
