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
        guard let kind = RecordKind.forTable(row.tbl) else {
            throw DomainError.notFound(kind: "record", id: row.record)
        }
        return (row, try edit(kind, writer.db).resolve(row, resolution, who: who(writer), writer: &writer))
    }

    /// Who settles a conflict from this handle, for the conflict's history.
    func who(_ writer: ChangeWriter) -> String {
        author.map { "by \($0.name) (\($0.login)) on node \(writer.node)" } ?? "by node \(writer.node)"
    }
}
