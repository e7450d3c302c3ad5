import Foundation
import GRDB
import Testing
import TierSyncCore

@testable import TierSyncStore

/// The bytes of attachments: stored once under their SHA-256, in chunks, hashed as they are
/// read; chunks received from a peer checked one by one and the whole checked again.
@Suite final class BlobStoreTests {
    let directory: TemporaryDirectory
    let store: NodeStore
    /// 2.5 chunks of 1 KiB of seeded bytes.
    let bytes: [UInt8]
    static let chunk = 1_024

    init() throws {
        directory = try TemporaryDirectory()
        store = try TestStore.create(directory.path("n.db"))
        var random = SplitMix64(seed: 7)
        bytes = (0..<2_560).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    /// Stores `bytes`, handed over in pieces of `piece` bytes.
    func storeWhole(_ bytes: [UInt8], piece: Int = 300) throws -> BlobInfo {
        try store.write { writer in
            var offset = 0
            return try BlobStore.store(db: writer.db, chunkSize: Self.chunk) {
                defer { offset += piece }
                return offset < bytes.count ? Array(bytes[offset..<min(bytes.count, offset + piece)]) : nil
            }
        }
    }

    func count(_ table: String) throws -> Int {
        try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1 }
    }

    /// The SHA-256 `sha256sum` (coreutils) gives for `bytes`: a check that is not our code.
    func coreutilsSHA256(_ bytes: [UInt8]) throws -> String {
        let file = directory.path("check-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: file, contents: Data(bytes))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output.prefix(64), as: UTF8.self)
    }

    @Test("a file is stored in chunks under the SHA-256 that sha256sum gives, and reads back whole")
    func storeAndRead() throws {
        let blob = try storeWhole(bytes)
        #expect(blob.sha256 == (try coreutilsSHA256(bytes)))
        #expect(blob.size == 2_560 && blob.chunkCount == 3 && blob.complete)
        var back: [UInt8] = []
        try store.read { db in try BlobStore.forEachChunk(blob.sha256, db: db) { back += $0 } }
        #expect(back == bytes)
        #expect(try store.read { db in try BlobStore.chunksHere(blob.sha256, db: db) } == [0, 1, 2])
    }

    @Test("the same bytes stored twice are kept once; an empty file is a blob of no chunks")
    func once() throws {
        let first = try storeWhole(bytes, piece: 1_000)
        let second = try storeWhole(bytes, piece: 7)
        #expect(first.sha256 == second.sha256)
        #expect(try count("blob") == 1 && count("blob_chunk") == 3)
        let empty = try storeWhole([])
        #expect(empty.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(empty.complete && empty.chunkCount == 0)
    }

    @Test("chunks received in any order make the file whole once the last arrives, and it matches")
    func receive() throws {
        let sha = BlobHasher.hex(of: bytes)
        for index in [2, 0, 1] {
            let part = Array(bytes[(index * Self.chunk)..<min(bytes.count, (index + 1) * Self.chunk)])
            let (blob, _) = try store.write { writer in
                try BlobStore.receive(
                    part, index: index, chunkSHA256: BlobHasher.hex(of: part), of: sha, size: bytes.count,
                    chunkSize: Self.chunk, db: writer.db)
            }
            #expect(blob.complete == (index == 1))
        }
        var back: [UInt8] = []
        try store.read { db in try BlobStore.forEachChunk(sha, db: db) { back += $0 } }
        #expect(back == bytes)
    }

    @Test("a chunk out of range, of the wrong length or not matching its hash is refused, naming why")
    func badChunks() throws {
        let sha = BlobHasher.hex(of: bytes)
        let first = Array(bytes[..<Self.chunk])
        func send(_ part: [UInt8], index: Int, hash: String? = nil) -> String {
            do {
                try store.write { writer in
                    try BlobStore.receive(
                        part, index: index, chunkSHA256: hash ?? BlobHasher.hex(of: part), of: sha, size: bytes.count,
                        chunkSize: Self.chunk, db: writer.db)
                }
                return ""
            } catch { return "\(error)" }
        }
        #expect(send(first, index: 3).contains("the file has chunks 0 to 2"))
        #expect(send(Array(first.dropLast()), index: 0).contains("holds 1023 bytes, and that chunk is 1024"))
        var damaged = first
        damaged[10] ^= 0xff
        #expect(send(damaged, index: 0, hash: BlobHasher.hex(of: first)).contains("send it again"))
        #expect(try count("blob_chunk") == 0)
    }

    @Test("chunks that each match but make another file are dropped whole, and the blob can be sent again")
    func wholeMismatch() throws {
        var other = bytes
        other[2_000] ^= 0x01
        let sha = BlobHasher.hex(of: bytes)
        var failure = ""
        for index in 0..<3 {
            let part = Array(other[(index * Self.chunk)..<min(other.count, (index + 1) * Self.chunk)])
            let (_, mismatch) = try store.write { writer in
                try BlobStore.receive(
                    part, index: index, chunkSHA256: BlobHasher.hex(of: part), of: sha, size: other.count,
                    chunkSize: Self.chunk, db: writer.db)
            }
            if let mismatch { failure = "\(mismatch)" }
        }
        #expect(failure.contains("hashes to \(BlobHasher.hex(of: other))"))
        #expect(try count("blob") == 0 && count("blob_chunk") == 0)
    }
}
