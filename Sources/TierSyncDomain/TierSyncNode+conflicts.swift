import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Conflict review: listing the versions kept for review and resolving them with an ordinary
/// edit, which ends the conflict here and on every node the edit reaches.
extension TierSyncNode {
    /// How a person settles a conflict.
    public enum Resolution: Sendable, Equatable {
        /// Keep the value shown now (for a delete conflict: keep the record deleted).
        case keepCurrent
        /// Take the other value (for a delete conflict: restore the record with the edit).
        case keepOther
        /// Write a new value, given as typed on the CLI.
        case value(String)
    }

    /// Open conflicts, oldest first; with `includeSettled`, the settled history too.
    /// Concurrent versions that hold the same value as the one shown are not listed: there
    /// is nothing to choose.
    public func conflicts(includeSettled: Bool = false) throws -> [ConflictView] {
        try store.read { db in
            let rows = try ConflictRow.fetchAll(
                db,
                sql: "SELECT * FROM conflict" + (includeSettled ? "" : " WHERE settled_hlc IS NULL") + " ORDER BY id")
            let directory = try store.directories.directory(db)
            var views: [ConflictView] = []
            for row in rows {
                guard let kind = RecordKind.forTable(row.tbl), let id = RecordID(row.record),
                    let record = try fetch(kind, id, db: db),
                    let view = ConflictView.review(row, record: record, directory: directory)
                else { continue }
                views.append(view)
            }
            return views
        }
    }

    /// Settles an open conflict with a new edit made on top of every version kept for the
    /// field; returns the record after it.
    @discardableResult
    public func resolveConflict(_ id: Int64, _ resolution: Resolution) throws -> StoredRecord {
        try write { writer in try resolve(id, resolution, writer: &writer).record }
    }

    /// `resolveConflict` in `writer`'s transaction; returns the row settled and the record.
    func resolve(_ id: Int64, _ resolution: Resolution, writer: inout ChangeWriter) throws
        -> (row: ConflictRow, record: StoredRecord)
    {
        guard let row = try ConflictRow.fetchOne(writer.db, key: id) else {
            throw DomainError.notFound(kind: "conflict", id: String(id))
        }
        guard row.settledHlc == nil else {
            throw DomainError.invalidValue(
                field: "conflict", value: String(id),
                allowed: "an open conflict (this one was settled: \(row.settlement ?? ""))")
        }
        guard let kind = RecordKind.forTable(row.tbl), let recordID = RecordID(row.record),
            let record = try fetch(kind, recordID, db: writer.db)
        else { throw DomainError.notFound(kind: "record", id: row.record) }
        _ = try writableOrg(record.org, db: writer.db)
        try requireUnlocked(kind, record, db: writer.db)
        let who = author.map { "by \($0.name) (\($0.login)) on node \(writer.node)" } ?? "by node \(writer.node)"
        switch (row.kind, resolution) {
        case (.deletedWhileEdited, .keepCurrent):
            try writer.setDeleted(
                true, table: row.tbl, id: recordID, again: true, settlement: "resolved \(who): kept deleted")
        case (.deletedWhileEdited, .keepOther):
            try writer.setDeleted(
                false, table: row.tbl, id: recordID, settlement: "resolved \(who): record restored")
        case (.deletedWhileEdited, .value):
            throw DomainError.invalidValue(
                field: "resolution", value: "--value",
                allowed:
                    "--keep current (the record stays deleted) or --keep other (restore it with the edit) for a delete conflict"
            )
        case (.concurrent, _) where row.field == FieldChange.deletedField:
            let keepDeleted = resolution == .keepCurrent ? record.deleted : row.value == .integer(1)
            try writer.setDeleted(
                keepDeleted, table: row.tbl, id: recordID, again: true, settlement: "resolved \(who)")
        case (.concurrent, .keepCurrent):
            try writer.update(
                table: row.tbl, id: recordID, fields: [row.field: record[row.field]], rewrite: [row.field],
                settlement: "resolved \(who): kept current")
        case (.concurrent, .keepOther):
            try writer.update(
                table: row.tbl, id: recordID, fields: [row.field: row.value], rewrite: [row.field],
                settlement: "resolved \(who): kept other")
        case (.concurrent, .value(let raw)):
            let value = try kind.field(named: row.field).parse(raw, in: context(writer.db))
            var fields = record.fields
            fields[row.field] = value
            try checkComplete(kind, fields)
            try writer.update(
                table: row.tbl, id: recordID, fields: [row.field: value], rewrite: [row.field],
                settlement: "resolved \(who): new value")
        }
        return (row, try writer.fetch(table: row.tbl, id: recordID)!)
    }
}
