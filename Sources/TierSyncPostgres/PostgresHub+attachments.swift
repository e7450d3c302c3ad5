import Foundation
import NIOCore
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Files a hub on PostgreSQL attaches to records itself (a city's directive with its
/// document), lists, saves and removes, as a SQLite node does (`RecordEdit`'s rules). The
/// bytes are sent first and the attachment then, in one transaction that takes the writer
/// lock only once the bytes are sent (a large scan would stop every push meanwhile). The
/// edit's checks also run before, in a short transaction of their own, so that a refusal
/// comes before any upload.
///
/// ```swift
/// let attachment = try city.attach(.directive, id: directive.id.rawValue, file: "防汛通知.pdf")
/// try city.saveAttachment(attachment.id, to: "copy.pdf")
/// ```
extension PostgresHub {
    /// Attaches the file at `path` to the record `id` of `kind`, named `name` (default: the
    /// file's own name); returns the attachment.
    @discardableResult
    public func attach(_ kind: RecordKind, id: String, file path: String, name: String? = nil) throws -> Attachment {
        let (name, file) = try TierSyncNode.openAttachment(path, name: name)
        defer { try? file.close() }
        // Refused before any byte is stored: an unknown record, one outside the subtree or approved above.
        _ = try edit(kind) { edit, writer, _ in try edit.attachable(id, writer) }
        let attachmentID = RecordEdit.newRecordID()
        try store.withSession { session in
            try session.transaction {
                // The writer lock once the bytes are sent, before their hash is settled: from
                // there to the commit, no compaction drops the bytes (ours, or a copy already
                // here) as unattached. Writer lock, then the hash's: the order every path keeps.
                let blob = try storeBlob(session) {
                    try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(PostgresStore.writerLock)])
                } next: {
                    try file.read(upToCount: BlobStore.chunkSize).map(Array.init)
                }
                try editing(kind, session) { edit, writer, _ in
                    try edit.attach(
                        to: try edit.attachable(id, writer), name: name, blob: blob, id: attachmentID, writer: &writer)
                }
            }
        }
        return try attachment(attachmentID.rawValue)
    }

    /// The live attachments this hub holds, newest first: of the record `record` only, or of
    /// the subtree of the org `under` only, when given; at most `limit`.
    public func attachments(record: String? = nil, under org: String? = nil, limit: Int = .max) throws -> [Attachment] {
        try store.read { session in try Attachment.list(record: record, under: org, limit: limit, in: session) }
    }

    /// The live attachment `id`.
    public func attachment(_ id: String) throws -> Attachment {
        try store.read { session in try TierSyncNode.liveAttachment(id, in: session) }
    }

    /// Writes the bytes of attachment `id` to `path`, through a file beside it put in place
    /// once whole; a chunk in memory at a time.
    ///
    /// - Throws: `StoreError.blobNotHere` when its bytes have not arrived yet.
    @discardableResult
    public func saveAttachment(_ id: String, to path: String) throws -> Attachment {
        try TierSyncNode.saveAttachment(to: path) { body in
            try store.read { session in
                let attachment = try TierSyncNode.liveAttachment(id, in: session)
                guard let blob = try Self.blob(attachment.sha256, session), blob.complete else {
                    throw StoreError.blobNotHere(sha256: attachment.sha256)
                }
                for index in 0..<blob.chunkCount {
                    guard let bytes = try Self.chunk(blob.sha256, index: index, session) else {
                        throw StoreError.blobNotHere(sha256: blob.sha256)
                    }
                    try body(bytes)
                }
                return attachment
            }
        }
    }

    /// Removes attachment `id`: its row stays as a tombstone that syncs.
    public func removeAttachment(_ id: String) throws {
        try store.write { session in
            try editing(try TierSyncNode.recordKind(ofAttachment: id, in: session), session) { edit, writer, _ in
                try edit.removeAttachment(id, writer: &writer)
            }
        }
    }

    /// Stores the bytes `next` gives, a chunk at a time, hashed as they come, in the session's
    /// transaction; then runs `beforeSettling` (which takes locks that must come before the
    /// hash's) and settles the hash: returns the blob, or the one already here whole with the
    /// same hash.
    func storeBlob(
        _ session: PostgresSession, beforeSettling: () throws -> Void, next: () throws -> [UInt8]?
    ) throws -> BlobInfo {
        // A provisional name until the hash is known: the chunks refer to the row's id.
        let provisional = "storing-\(UInt64.random(in: 0 ... .max))"
        guard
            let id = try session.query(
                "INSERT INTO blob (sha256, size, chunk_size) VALUES ($1, 0, $2) RETURNING id",
                [.text(provisional), .integer(Int64(BlobStore.chunkSize))]
            ).first?.decode(Int64.self)
        else { throw PostgresStoreError.corrupt("no id for a file just stored") }
        var hasher = BlobHasher()
        var pending: [UInt8] = []
        var (size, index) = (0, 0)
        func flush(_ bytes: ArraySlice<UInt8>) throws {
            try session.query(
                "INSERT INTO blob_chunk (blob, idx, data) VALUES ($1, $2, $3)",
                [.integer(id), .integer(Int64(index))], bytes: Array(bytes))
            index += 1
        }
        while let piece = try next(), !piece.isEmpty {
            hasher.update(piece)
            size += piece.count
            pending += piece
            while pending.count >= BlobStore.chunkSize {
                try flush(pending[..<BlobStore.chunkSize])
                pending.removeFirst(BlobStore.chunkSize)
            }
        }
        if !pending.isEmpty { try flush(pending[...]) }
        let sha256 = hasher.finish()
        try beforeSettling()
        // As a chunk received from a child does: one process at a time settles a hash.
        try session.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text(sha256)])
        if let existing = try Self.blob(sha256, session), existing.complete {
            try session.query("DELETE FROM blob WHERE id = $1", [.integer(id)])
            return existing
        }
        try session.query("DELETE FROM blob WHERE sha256 = $1", [.text(sha256)])  // a partial copy
        try session.query(
            "UPDATE blob SET sha256 = $1, size = $2, complete = 1 WHERE id = $3",
            [.text(sha256), .integer(Int64(size)), .integer(id)])
        return BlobInfo(
            sha256: sha256, size: size, chunkSize: BlobStore.chunkSize, complete: true, sentUp: false,
            chunksHere: index)
    }
}
