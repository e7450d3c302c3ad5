import TierSyncCore
import TierSyncStore

/// Files attached to records, on either store: the attachment is a record of the record's
/// org, so the same rules hold as for an edit of the record (inside the editor's subtree, not
/// approved above it). The bytes are the store's business, stored before the attachment.
///
/// ```swift
/// let plan = try edit.attachable(id, writer)
/// let blob = try BlobStore.store(db: writer.db) { try file.read(upToCount: BlobStore.chunkSize).map(Array.init) }
/// try edit.attach(to: plan, name: "预案.pdf", blob: blob, id: attachmentID, writer: &writer)
/// ```
extension RecordEdit {
    /// The live record `id` of this kind, when the editor may attach a file to it (checked
    /// before its bytes are stored, and again when the attachment is written).
    public func attachable(_ id: String, _ writer: some RecordWriting) throws -> StoredRecord {
        let record = try live(id, writer)
        _ = try writableOrg(record.org)
        try TierSyncNode.requireUnlocked(kind, record, editor: editor, unit: unit)
        return record
    }

    /// Writes the attachment `id` of the stored `blob` to `record`, shown as `name`.
    public func attach(
        to record: StoredRecord, name: String, blob: BlobInfo, id: RecordID, writer: inout some RecordWriting
    ) throws {
        try writer.insert(
            table: "attachment", id: id, org: record.org,
            fields: [
                "record_kind": .text(kind.table), "record_id": .text(record.id.rawValue), "name": .text(name),
                "media_type": .text(MediaType.of(name: name)), "size": .integer(Int64(blob.size)),
                "sha256": .text(blob.sha256),
            ])
    }

    /// Removes the live attachment `id` of a record of this kind: its row stays as a
    /// tombstone that syncs; the store frees the bytes once nothing refers to them.
    public func removeAttachment(_ id: String, writer: inout some RecordWriting) throws {
        guard let attachmentID = RecordID(id), let attachment = try writer.fetch(table: "attachment", id: attachmentID),
            !attachment.deleted, attachment["record_kind"] == .text(kind.table)
        else { throw DomainError.notFound(kind: "attachment", id: id) }
        _ = try writableOrg(attachment.org)
        if let recordID = attachment["record_id"].textValue.flatMap(RecordID.init),
            let record = try writer.fetch(table: kind.table, id: recordID)
        {
            try TierSyncNode.requireUnlocked(kind, record, editor: editor, unit: unit)
        }
        try writer.delete(table: "attachment", id: attachmentID)
    }
}
