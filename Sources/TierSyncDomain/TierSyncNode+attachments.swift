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
        let (name, file) = try Self.openAttachment(path, name: name)
        defer { try? file.close() }
        let attachmentID = RecordEdit.newRecordID()
        try write { writer in
            let edit = edit(kind, writer.db)
            let record = try edit.attachable(id, writer)
            let blob = try BlobStore.store(db: writer.db) {
                try file.read(upToCount: BlobStore.chunkSize).map(Array.init)
            }
            try edit.attach(to: record, name: name, blob: blob, id: attachmentID, writer: &writer)
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
        try store.read { db in try Self.liveAttachment(id, in: db) }
    }

    /// Streams the bytes of attachment `id` to `body`, a chunk at a time, in one read.
    ///
    /// - Throws: `StoreError.blobNotHere` when its bytes have not arrived yet.
    @discardableResult
    public func readAttachment(_ id: String, _ body: ([UInt8]) throws -> Void) throws -> Attachment {
        try store.read { db in
            let attachment = try Self.liveAttachment(id, in: db)
            try BlobStore.forEachChunk(attachment.sha256, db: db, body)
            return attachment
        }
    }

    /// Writes the bytes of attachment `id` to `path`: to a file beside it first, put in place
    /// once whole, so a cut never leaves half a document under the name.
    @discardableResult
    public func saveAttachment(_ id: String, to path: String) throws -> Attachment {
        try Self.saveAttachment(to: path) { body in try readAttachment(id, body) }
    }

    /// Writes what `read` streams (an attachment's bytes) to `path`, through a file beside it
    /// put in place once whole.
    public static func saveAttachment(
        to path: String, read: (([UInt8]) throws -> Void) throws -> Attachment
    ) throws -> Attachment {
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
            let out = FileHandle(forWritingAtPath: partial)
        else {
            throw DomainError.invalidValue(
                field: "out", value: path, allowed: "a file in a folder that exists and can be written")
        }
        do {
            let attachment = try read { try out.write(contentsOf: $0) }
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
            try edit(try Self.recordKind(ofAttachment: id, in: writer.db), writer.db)
                .removeAttachment(id, writer: &writer)
        }
    }

    /// What `compact` dropped.
    public struct Compaction: Codable, Sendable {
        public let logEntries: Int
        public let files: Int
        public let fileBytes: Int

        public init(logEntries: Int, files: Int, fileBytes: Int) {
            (self.logEntries, self.files, self.fileBytes) = (logEntries, files, fileBytes)
        }
    }

    /// Drops superseded log entries (see `NodeStore.compactLog`), then the bytes of files that
    /// no live attachment refers to any more, in that order:
    /// the tombstones stay in the log, so the removal still reaches every peer.
    public func compact() throws -> Compaction {
        let entries = try store.compactLog()
        let (files, bytes) = try store.write { writer in try BlobStore.collectGarbage(db: writer.db) }
        return Compaction(logEntries: entries, files: files, fileBytes: bytes)
    }

    /// The kind of the record the live attachment `id` belongs to, read on either store.
    public static func recordKind(ofAttachment id: String, in reader: any SQLReader) throws -> RecordKind {
        guard let kind = RecordKind.named(try liveAttachment(id, in: reader).kind) else {
            throw DomainError.notFound(kind: "attachment", id: id)
        }
        return kind
    }

    /// The live attachment `id`, read on either store.
    public static func liveAttachment(_ id: String, in reader: any SQLReader) throws -> Attachment {
        guard RecordID(id) != nil,
            let row = try reader.rows(
                "SELECT \(Attachment.selection) FROM \(Attachment.join) WHERE a.id = ? AND a.deleted = 0", [.text(id)]
            ).first
        else { throw DomainError.notFound(kind: "attachment", id: id) }
        return Attachment(row: row)
    }

    /// The file at `path` opened to be attached, and the name it is shown under (`name`, or
    /// the file's own), checked as a file name.
    public static func openAttachment(_ path: String, name: String?) throws -> (String, FileHandle) {
        let name = try attachmentName(name ?? URL(fileURLWithPath: path).lastPathComponent)
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw DomainError.invalidValue(field: "file", value: path, allowed: "a file that exists and can be read")
        }
        return (name, file)
    }

    /// `name` as a file name: not empty, no folders, at most 255 bytes.
    public static func attachmentName(_ name: String) throws -> String {
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
