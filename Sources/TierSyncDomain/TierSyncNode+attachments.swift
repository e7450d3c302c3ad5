import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Files attached to records: attached, listed, read back and removed. The attachment row
/// syncs as a record of the record's org; its bytes are a blob stored once per node.
extension TierSyncNode {
    /// Attaches the file at `path` to the record `id` of `kind`, named `name` (default: the
    /// file's own name), in one transaction: the bytes are read a chunk at a time and hashed
    /// as they are stored.
    ///
    /// ```swift
    /// let attachment = try node.attach(.plan, id: plan.id.rawValue, file: "预案.pdf")
    /// ```
    @discardableResult
    public func attach(_ kind: RecordKind, id: String, file path: String, name: String? = nil) throws -> Attachment {
        let name = try Self.attachmentName(name ?? URL(fileURLWithPath: path).lastPathComponent)
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw DomainError.invalidValue(field: "file", value: path, allowed: "a file that exists and can be read")
        }
        defer { try? file.close() }
        var random = SystemRandomNumberGenerator()
        let attachmentID = RecordID.random(using: &random)
        try write { writer in
            let record = try liveRecord(kind, id: id, db: writer.db)
            _ = try writableOrg(record.org, db: writer.db)
            try requireUnlocked(kind, record, db: writer.db)
            let blob = try BlobStore.store(db: writer.db) {
                try file.read(upToCount: BlobStore.chunkSize).map(Array.init)
            }
            try writer.insert(
                table: "attachment", id: attachmentID, org: record.org,
                fields: [
                    "record_kind": .text(kind.table), "record_id": .text(record.id.rawValue), "name": .text(name),
                    "media_type": .text(MediaType.of(name: name)), "size": .integer(Int64(blob.size)),
                    "sha256": .text(blob.sha256),
                ])
        }
        return try attachment(attachmentID.rawValue)
    }

    /// The live attachments this node holds (of its subtree, and of records shared down to
    /// it), newest first: of the record `record` only, or of the subtree of the org `under`
    /// only, when given; at most `limit`.
    public func attachments(record: String? = nil, under org: String? = nil, limit: Int = .max) throws
        -> [Attachment]
    {
        try store.read { db in try Attachment.list(record: record, under: org, limit: limit, in: db) }
    }

    /// The live attachment `id`.
    public func attachment(_ id: String) throws -> Attachment {
        try store.read { db in try liveAttachment(id, db: db) }
    }

    /// Streams the bytes of attachment `id` to `body`, a chunk at a time, in one read.
    ///
    /// - Throws: `StoreError.blobNotHere` when its bytes have not arrived yet.
    @discardableResult
    public func readAttachment(_ id: String, _ body: ([UInt8]) throws -> Void) throws -> Attachment {
        try store.read { db in
            let attachment = try liveAttachment(id, db: db)
            try BlobStore.forEachChunk(attachment.sha256, db: db, body)
            return attachment
        }
    }

    /// Writes the bytes of attachment `id` to `path`: to a file beside it first, put in place
    /// once whole, so a cut never leaves half a document under the name.
    @discardableResult
    public func saveAttachment(_ id: String, to path: String) throws -> Attachment {
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
            let out = FileHandle(forWritingAtPath: partial)
        else {
            throw DomainError.invalidValue(
                field: "out", value: path, allowed: "a file in a folder that exists and can be written")
        }
        do {
            let attachment = try readAttachment(id) { try out.write(contentsOf: $0) }
            try out.close()
            _ = try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            return attachment
        } catch {
            try? out.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Removes attachment `id`: its row stays as a tombstone that syncs, and its bytes go at
    /// the next `tiersync compact` once nothing else refers to them.
    public func removeAttachment(_ id: String) throws {
        try write { writer in
            let attachment = try liveAttachment(id, db: writer.db)
            _ = try writableOrg(attachment.org, db: writer.db)
            if let kind = RecordKind.named(attachment.kind), let recordID = RecordID(attachment.record),
                let record = try fetch(kind, recordID, db: writer.db)
            {
                try requireUnlocked(kind, record, db: writer.db)
            }
            try writer.delete(table: "attachment", id: RecordID(id)!)
        }
    }

    /// What `compact` dropped.
    public struct Compaction: Codable, Sendable {
        public let logEntries: Int
        public let files: Int
        public let fileBytes: Int
    }

    /// Drops superseded log entries (see `NodeStore.compactLog`), then the bytes of files that
    /// no live attachment refers to any more, in that order:
    /// the tombstones stay in the log, so the removal still reaches every peer.
    public func compact() throws -> Compaction {
        let entries = try store.compactLog()
        let (files, bytes) = try store.write { writer in try BlobStore.collectGarbage(db: writer.db) }
        return Compaction(logEntries: entries, files: files, fileBytes: bytes)
    }

    func liveAttachment(_ id: String, db: Database) throws -> Attachment {
        guard RecordID(id) != nil,
            let row = try db.rows(
                "SELECT \(Attachment.selection) FROM \(Attachment.join) WHERE a.id = ? AND a.deleted = 0", [.text(id)]
            ).first
        else { throw DomainError.notFound(kind: "attachment", id: id) }
        return Attachment(row: row)
    }

    /// `name` as a file name: not empty, no folders, at most 255 bytes.
    static func attachmentName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 255, !trimmed.contains("/"), !trimmed.contains("\\"),
            trimmed != ".", trimmed != ".."
        else {
            throw DomainError.invalidValue(
                field: "name", value: name, allowed: "a file name of 1 to 255 bytes, without / or \\")
        }
        return trimmed
    }
}
