import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// The bytes of attachments on the two hubs: the same checks (who may send, what size, the
/// limits, each chunk's hash and the whole's) and the same answers, chunk by chunk.
@Suite(.serialized) struct FileConformanceTests {
    @Test("a city's file sent in chunks, out of order, with bad chunks and a wrong whole: both hubs agree")
    func chunksAgree() throws {
        var random = SplitMix64(seed: 3)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 0)
        defer { hubs.postgres.store.close() }
        let bytes = (0..<2_500_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let sha256 = BlobHasher.hex(of: bytes)
        // The attachment row comes first, pushed by the city as any record.
        let township = hubs.editors.editors[0]
        try township.write { writer in
            try writer.insert(
                table: "attachment", id: RecordID.random(using: &random), org: Editors.township,
                fields: [
                    "record_kind": .text("plan"), "record_id": .text(RecordID.random(using: &random).rawValue),
                    "name": .text("预案.pdf"), "media_type": .text("application/pdf"),
                    "size": .integer(Int64(bytes.count)), "sha256": .text(sha256),
                ])
        }
        let push = TierSyncNode.Push(
            changes: try Editors.log(township), peer: try hubs.sqlite.peer("520200"),
            peerNode: hubs.city.sqlite.id, nodes: hubs.senders, upTo: 1)
        _ = try hubs.sqlite.acceptAll([push])
        _ = try hubs.postgres.acceptAll([push])
        let city = try hubs.sqlite.peer("520200").unit
        let both: [any SyncHub] = [hubs.sqlite, hubs.postgres]
        func answers<T>(_ body: (any SyncHub) throws -> T) -> [String] {
            both.map { hub in
                do { return "\(try body(hub))" } catch { return "refused: \(error)" }
            }
        }
        func expectSame<T>(_ what: String, _ body: (any SyncHub) throws -> T) {
            let both = answers(body)
            #expect(both[0] == both[1], "\(what)")
        }
        expectSame("the attached size") { try $0.attachedSize(of: sha256) }
        expectSame("a size its attachment does not give") {
            try $0.checkUpload(sha256: sha256, size: 7, from: city, limits: .init())
        }
        expectSame("over the limit per file") {
            try $0.checkUpload(sha256: sha256, size: bytes.count, from: city, limits: .init(maxFileBytes: 1 << 20))
        }
        expectSame("within the limits") {
            try $0.checkUpload(sha256: sha256, size: bytes.count, from: city, limits: .init())
        }
        #expect(throws: Never.self) {
            try hubs.postgres.checkUpload(sha256: sha256, size: bytes.count, from: city, limits: .init())
            try hubs.postgres.checkDownload(sha256: sha256, for: city)
        }
        expectSame("a file no attachment names") {
            try $0.checkDownload(sha256: String(repeating: "0", count: 64), for: city)
        }
        expectSame("the city's own file") { try $0.checkDownload(sha256: sha256, for: city) }
        let chunks = stride(from: 0, to: bytes.count, by: BlobStore.chunkSize).map {
            Array(bytes[$0..<min($0 + BlobStore.chunkSize, bytes.count)])
        }
        expectSame("a chunk whose bytes do not match its hash") {
            try $0.receiveChunk(
                chunks[1], index: 1, chunkSHA256: BlobHasher.hex(of: chunks[0]), of: sha256, size: bytes.count)
        }
        for index in [2, 0, 0] {
            expectSame("chunk \(index)") {
                try $0.receiveChunk(
                    chunks[index], index: index, chunkSHA256: BlobHasher.hex(of: chunks[index]), of: sha256,
                    size: bytes.count)
            }
            expectSame("the chunks here after \(index)") { try $0.blobChunksHere(sha256) }
        }
        expectSame("the last chunk") {
            try $0.receiveChunk(
                chunks[1], index: 1, chunkSHA256: BlobHasher.hex(of: chunks[1]), of: sha256, size: bytes.count)
        }
        expectSame("the whole") { try $0.blob(sha256) }
        #expect(try hubs.postgres.blob(sha256)?.complete == true)
        for index in chunks.indices {
            #expect(try hubs.postgres.blobChunk(sha256, index: index) == chunks[index])
        }
        // Chunks that each match their hash, but not the file's: all of it is dropped.
        let other = chunks.reversed().map { $0 }
        let wrong = String(repeating: "ab", count: 32)
        for (index, chunk) in [(0, other[0].prefix(BlobStore.chunkSize))].map({ ($0.0, Array($0.1)) }) {
            expectSame("a chunk of a file no attachment names") {
                try $0.receiveChunk(
                    chunk, index: index, chunkSHA256: BlobHasher.hex(of: chunk), of: wrong, size: chunk.count)
            }
        }
        expectSame("what is kept of it") { try $0.blob(wrong) }
        #expect(try hubs.postgres.blob(wrong) == nil, "a one-chunk file that does not hash to its name is dropped")
    }
}
