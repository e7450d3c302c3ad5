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
        /// True for a version kept in an open conflict and not shown (the other side won for now).
        public let inConflict: Bool
    }

    /// The changes of record `id` of `kind`, oldest first, with their authors, in one query.
    /// Compaction drops the superseded entries of fields changed since, so an old record shows
    /// its newest changes.
    public func history(_ kind: RecordKind, id: String) throws -> [HistoryEntry] {
        guard let recordID = RecordID(id) else { throw DomainError.notFound(kind: kind.name, id: id) }
        return try store.read { db in
            let directory = try store.directories.directory(db)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.seq, c.field, c.value, c.hlc, c.node, a.login, a.name,
                        EXISTS (SELECT 1 FROM conflict k WHERE k.settled_hlc IS NULL AND k.kind = 'concurrent'
                            AND k.tbl = c.tbl AND k.record = c.record AND k.field = c.field AND k.node = c.node
                            AND k.hlc = c.hlc) AS losing
                    FROM change_log c
                    LEFT JOIN edit_author a
                        ON a.node = c.node AND a.first_hlc <= c.hlc AND a.last_hlc >= c.hlc AND a.deleted = 0
                    WHERE c.record = ? AND c.tbl = ? ORDER BY c.seq
                    """,
                arguments: [recordID.rawValue, kind.table])
            var last: [String: FieldValue] = [:]
            return rows.map { row in
                let field: String = row["field"]
                let value = FieldValue.fromDatabaseValue(row["value"]) ?? .null
                let node: String = row["node"]
                let login: String? = row["login"]
                defer { last[field] = value }
                return HistoryEntry(
                    seq: row["seq"], field: field, old: last[field], new: value,
                    time: HLCTimestamp(rawValue: row["hlc"]).isoTime, node: node,
                    org: NodeID(node).flatMap(directory.org(ofNode:)),
                    author: login.map { Author(login: $0, name: row["name"]) }, inConflict: row["losing"])
            }
        }
    }
}

extension TierSyncNode {
    /// The person who made `node`'s newest logged edit of `field` of `record`, when it was
    /// made for one on a web page (here or on the node that made it).
    public func author(ofRecord record: String, field: String, node: String) throws -> Author? {
        try store.read { db in
            guard
                let hlc = try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT hlc FROM change_log WHERE record = ? AND field = ? AND node = ? ORDER BY seq DESC LIMIT 1",
                    arguments: [record, field, node])
            else { return nil }
            return try Self.author(node: node, hlc: hlc, db: db)
        }
    }
}
