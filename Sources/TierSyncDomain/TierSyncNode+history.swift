import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// A record's history as its page shows it: every change this node's log keeps, oldest first.
extension TierSyncNode {
    /// One change of one field.
    public struct HistoryEntry: Codable, Sendable, Equatable {
        public let seq: Int64
        /// The field's key (`phone`), or `_deleted` for a deletion or restore.
        public let field: String
        /// The value before, when the log holds an earlier change of the field.
        public let old: FieldValue?
        public let new: FieldValue
        /// When the edit was made, at the node that made it (its clock stamp).
        public let time: String
        public let node: String
        /// The org of that node, when known here.
        public let org: String?
        /// The person, for edits made on this node's web interface.
        public let author: Author?
    }

    /// The changes of record `id` of `kind`, oldest first. Compaction drops the superseded
    /// entries of fields changed since, so an old record shows its newest changes.
    public func history(_ kind: RecordKind, id: String) throws -> [HistoryEntry] {
        guard let recordID = RecordID(id) else { throw DomainError.notFound(kind: kind.name, id: id) }
        return try store.read { db in
            let directory = try PeerDirectory(db: db)
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT seq, field, value, hlc, node FROM change_log WHERE record = ? AND tbl = ? ORDER BY seq",
                arguments: [recordID.rawValue, kind.table])
            var last: [String: FieldValue] = [:]
            return try rows.map { row in
                let field: String = row["field"]
                let value = FieldValue.fromDatabaseValue(row["value"]) ?? .null
                let node: String = row["node"]
                let seq: Int64 = row["seq"]
                defer { last[field] = value }
                return HistoryEntry(
                    seq: seq, field: field, old: last[field], new: value,
                    time: HLCTimestamp(rawValue: row["hlc"]).isoTime, node: node,
                    org: NodeID(node).flatMap(directory.org(ofNode:)),
                    author: node == store.node.id.rawValue ? try Self.author(ofSeq: seq, db: db) : nil)
            }
        }
    }
}

extension TierSyncNode {
    /// The person who made `node`'s newest logged edit of `field` of `record`, when it was
    /// made on this node's web interface.
    public func author(ofRecord record: String, field: String, node: String) throws -> Author? {
        guard node == store.node.id.rawValue else { return nil }
        return try store.read { db in
            guard
                let seq = try Int64.fetchOne(
                    db, sql: "SELECT max(seq) FROM change_log WHERE record = ? AND field = ? AND node = ?",
                    arguments: [record, field, node])
            else { return nil }
            return try Self.author(ofSeq: seq, db: db)
        }
    }
}
