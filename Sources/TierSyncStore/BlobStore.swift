import Foundation
import GRDB

/// The bytes of attachments (`blob` and `blob_chunk`): stored once per node under their
/// SHA-256, in chunks, never held whole in memory. Every function runs in the caller's
/// transaction, so a file and the record that refers to it commit together.
///
/// ```swift
/// try store.write { writer in
///     let blob = try BlobStore.store(db: writer.db) { try file.read(upToCount: 65_536) }
///     // blob.sha256 names the bytes from now on
/// }
/// ```
public enum BlobStore {
    /// The size of a chunk: what a cut link costs at most, and what is held in memory at once.
    public static let chunkSize = 1 << 20

    /// Stores the bytes `next` yields (pieces of any size; nil or empty at the end), hashing
    /// them as they come. Bytes already stored whole are kept once.
    public static func store(
        db: Database, chunkSize: Int = chunkSize, next: () throws -> [UInt8]?
    ) throws -> BlobInfo {
        // A provisional name until the hash is known: the chunks refer to the row's id.
        let provisional = "storing-\(UInt64.random(in: 0 ... .max))"
        try db.execute(
            sql: "INSERT INTO blob (sha256, size, chunk_size) VALUES (?, 0, ?)", arguments: [provisional, chunkSize])
        let id = db.lastInsertedRowID
        var hasher = BlobHasher()
        var pending: [UInt8] = []
        var size = 0
        var index = 0
        func flush(_ bytes: ArraySlice<UInt8>) throws {
            try insertChunk(blob: id, index: index, bytes: bytes, db: db)
            index += 1
        }
        while let piece = try next(), !piece.isEmpty {
            hasher.update(piece)
            size += piece.count
            pending += piece
            while pending.count >= chunkSize {
                try flush(pending[..<chunkSize])
                pending.removeFirst(chunkSize)
            }
        }
        if !pending.isEmpty { try flush(pending[...]) }
        let sha256 = hasher.finish()
        if let existing = try info(sha256, db: db), existing.complete {
            try db.execute(sql: "DELETE FROM blob WHERE id = ?", arguments: [id])
            return existing
        }
        try db.execute(sql: "DELETE FROM blob WHERE sha256 = ?", arguments: [sha256])  // a partial copy
        try db.execute(
            sql: "UPDATE blob SET sha256 = ?, size = ?, complete = 1 WHERE id = ?", arguments: [sha256, size, id])
        return BlobInfo(
            sha256: sha256, size: size, chunkSize: chunkSize, complete: true, sentUp: false, chunksHere: index)
    }

    /// What this node has of the blob `sha256`; nil when it has nothing of it.
    public static func info(_ sha256: String, db: Database) throws -> BlobInfo? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT b.size, b.chunk_size, b.complete, b.sent_up,
                           (SELECT count(*) FROM blob_chunk c WHERE c.blob = b.id)
                    FROM blob b WHERE b.sha256 = ?
                    """),
            arguments: [sha256]
        ).map { row in
            BlobInfo(
                sha256: sha256, size: row[0], chunkSize: row[1], complete: row[2], sentUp: row[3], chunksHere: row[4])
        }
    }

    /// The indices of the chunks of `sha256` that are here, in order.
    public static func chunksHere(_ sha256: String, db: Database) throws -> [Int] {
        try Int.fetchAll(
            db,
            sql: "SELECT c.idx FROM blob_chunk c JOIN blob b ON b.id = c.blob WHERE b.sha256 = ? ORDER BY c.idx",
            arguments: [sha256])
    }

    /// Chunk `index` of `sha256`; nil when it is not here.
    public static func chunk(_ sha256: String, index: Int, db: Database) throws -> [UInt8]? {
        try Data.fetchOne(
            db.cachedStatement(
                sql: "SELECT c.data FROM blob_chunk c JOIN blob b ON b.id = c.blob WHERE b.sha256 = ? AND c.idx = ?"),
            arguments: [sha256, index]
        ).map { Array($0) }
    }

    /// Calls `body` with each chunk of the whole blob `sha256`, in order, one in memory at a time.
    ///
    /// - Throws: `StoreError.blobNotHere` when the blob is not here whole.
    public static func forEachChunk(_ sha256: String, db: Database, _ body: ([UInt8]) throws -> Void) throws {
        guard let blob = try info(sha256, db: db), blob.complete else { throw StoreError.blobNotHere(sha256: sha256) }
        for index in 0..<blob.chunkCount {
            guard let bytes = try chunk(sha256, index: index, db: db) else {
                throw StoreError.blobNotHere(sha256: sha256)
            }
            try body(bytes)
        }
    }

    /// Takes chunk `index` of the blob `sha256` of `size` bytes, received from a peer with
    /// `chunkSHA256` as its own hash. Once the last chunk is here, the whole is hashed again:
    /// bytes that do not hash to `sha256` are dropped, all of them.
    ///
    /// - Returns: what is here of the blob now, and the error to report once the transaction
    ///   commits when the whole did not match (`StoreError.blobMismatch`): thrown here, it
    ///   would roll the dropping back.
    /// - Throws: `StoreError.badChunk` for a chunk out of range, of the wrong length or not
    ///   matching `chunkSHA256`.
    @discardableResult
    public static func receive(
        _ bytes: [UInt8], index: Int, chunkSHA256: String, of sha256: String, size: Int,
        chunkSize: Int = chunkSize, db: Database
    ) throws -> (blob: BlobInfo, mismatch: StoreError?) {
        var blob =
            try info(sha256, db: db)
            ?? {
                try db.execute(
                    sql: "INSERT INTO blob (sha256, size, chunk_size) VALUES (?, ?, ?)",
                    arguments: [sha256, size, chunkSize])
                return BlobInfo(
                    sha256: sha256, size: size, chunkSize: chunkSize, complete: false, sentUp: false, chunksHere: 0)
            }()
        if blob.complete { return (blob, nil) }
        try check(bytes, index: index, chunkSHA256: chunkSHA256, of: blob, size: size, chunkSize: chunkSize)
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM blob WHERE sha256 = ?", arguments: [sha256]) ?? 0
        try insertChunk(blob: id, index: index, bytes: bytes[...], db: db, replacing: true)
        blob.chunksHere =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM blob_chunk WHERE blob = ?", arguments: [id]) ?? 0
        guard blob.chunksHere == blob.chunkCount else { return (blob, nil) }
        let mismatch = try verify(&blob, id: id, db: db)
        return (blob, mismatch)
    }

    /// Checks chunk `index` of `blob`, received for a file of `size` bytes in chunks of
    /// `chunkSize`, against what is known of the blob and against `chunkSHA256`: any store
    /// takes a chunk only after this.
    ///
    /// - Throws: `StoreError.badChunk`, naming what is wrong.
    public static func check(
        _ bytes: [UInt8], index: Int, chunkSHA256: String, of blob: BlobInfo, size: Int, chunkSize: Int
    ) throws {
        let sha256 = blob.sha256
        guard blob.size == size, blob.chunkSize == chunkSize else {
            throw StoreError.badChunk(
                sha256: sha256, index: index,
                reason:
                    "the file is \(blob.size) bytes in chunks of \(blob.chunkSize) here, not \(size) in chunks of \(chunkSize)"
            )
        }
        guard (0..<blob.chunkCount).contains(index) else {
            throw StoreError.badChunk(
                sha256: sha256, index: index, reason: "the file has chunks 0 to \(blob.chunkCount - 1)")
        }
        guard bytes.count == blob.length(ofChunk: index) else {
            throw StoreError.badChunk(
                sha256: sha256, index: index,
                reason: "it holds \(bytes.count) bytes, and that chunk is \(blob.length(ofChunk: index))")
        }
        let actual = BlobHasher.hex(of: bytes)
        guard actual == chunkSHA256 else {
            throw StoreError.badChunk(
                sha256: sha256, index: index, reason: "its bytes hash to \(actual), not \(chunkSHA256); send it again")
        }
    }

    /// Hashes the whole blob again from its chunks; marks it complete, or drops it and
    /// returns the mismatch.
    private static func verify(_ blob: inout BlobInfo, id: Int64, db: Database) throws -> StoreError? {
        var hasher = BlobHasher()
        let chunks = try Data.fetchCursor(
            db, sql: "SELECT data FROM blob_chunk WHERE blob = ? ORDER BY idx", arguments: [id])
        while let data = try chunks.next() { hasher.update(data) }
        let actual = hasher.finish()
        guard actual == blob.sha256 else {
            try db.execute(sql: "DELETE FROM blob WHERE id = ?", arguments: [id])
            blob.chunksHere = 0
            return StoreError.blobMismatch(sha256: blob.sha256, actual: actual)
        }
        try db.execute(sql: "UPDATE blob SET complete = 1 WHERE id = ?", arguments: [id])
        blob.complete = true
        return nil
    }

    /// Records that the parent has the whole blob `sha256`, or (`false`) that it must be asked again.
    public static func markSentUp(_ sha256: String, _ sent: Bool = true, db: Database) throws {
        try db.execute(sql: "UPDATE blob SET sent_up = ? WHERE sha256 = ?", arguments: [sent, sha256])
    }

    /// Drops the bytes that no live attachment refers to any more.
    ///
    /// - Returns: how many blobs were dropped and how many bytes they held.
    @discardableResult
    public static func collectGarbage(db: Database) throws -> (blobs: Int, bytes: Int) {
        let unused =
            "SELECT id FROM blob WHERE sha256 NOT IN (SELECT sha256 FROM attachment WHERE deleted = 0 AND sha256 IS NOT NULL)"
        let bytes =
            try Int.fetchOne(
                db, sql: "SELECT coalesce(sum(length(data)), 0) FROM blob_chunk WHERE blob IN (\(unused))") ?? 0
        try db.execute(sql: "DELETE FROM blob WHERE id IN (\(unused))")
        return (db.changesCount, bytes)
    }

    private static func insertChunk(
        blob: Int64, index: Int, bytes: ArraySlice<UInt8>, db: Database, replacing: Bool = false
    ) throws {
        try bytes.withUnsafeBytes { buffer in
            try db.execute(
                sql: "INSERT \(replacing ? "OR REPLACE " : "")INTO blob_chunk (blob, idx, data) VALUES (?, ?, ?)",
                arguments: [blob, index, Data(buffer)])
        }
    }
}
