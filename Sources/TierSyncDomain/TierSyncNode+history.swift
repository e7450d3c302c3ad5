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
            let rows = try Row.fetchAll(db, sql: Self.historySQL, arguments: [recordID.rawValue, kind.table])
            return Self.history(
                rows.map { row in
                    (
                        seq: row["seq"], field: row["field"],
                        value: FieldValue.fromDatabaseValue(row["value"]) ?? .null,
                        hlc: row["hlc"], node: row["node"], login: row["login"], name: row["name"],
                        losing: row["losing"]
                    )
                }, directory: directory)
        }
    }
}

extension TierSyncNode {
    /// One log entry of a record as its history reads it, on either store: the author's
    /// login and name when one is named, and whether the version loses an open conflict.
    public typealias HistoryRow = (
        seq: Int64, field: String, value: FieldValue, hlc: Int64, node: String, login: String?, name: String?,
        losing: Bool
    )

    /// The query of a record's log entries (its id, then its table) as `HistoryRow`s, the
    /// same on both stores.
    public static let historySQL = """
        SELECT c.seq, c.field, c.value, c.hlc, c.node, a.login, a.name,
            EXISTS (SELECT 1 FROM conflict k WHERE k.settled_hlc IS NULL AND k.kind = 'concurrent'
                AND k.tbl = c.tbl AND k.record = c.record AND k.field = c.field AND k.node = c.node
                AND k.hlc = c.hlc) AS losing
        FROM change_log c
        LEFT JOIN edit_author a
            ON a.node = c.node AND a.first_hlc <= c.hlc AND a.last_hlc >= c.hlc AND a.deleted = 0
        WHERE c.record = ? AND c.tbl = ? ORDER BY c.seq
        """

    /// The history of a record from its log entries in log order: each change with the value
    /// it replaced, its time and its node's org.
    public static func history(_ rows: [HistoryRow], directory: PeerDirectory) -> [HistoryEntry] {
        var last: [String: FieldValue] = [:]
        return rows.map { row in
            defer { last[row.field] = row.value }
            return HistoryEntry(
                seq: row.seq, field: row.field, old: last[row.field], new: row.value,
                time: HLCTimestamp(rawValue: row.hlc).isoTime, node: row.node,
                org: NodeID(row.node).flatMap(directory.org(ofNode:)),
                author: row.login.map { Author(login: $0, name: row.name ?? $0) }, inConflict: row.losing)
        }
    }

    /// The person who made `node`'s newest logged edit of `field` of `record`, when it was
    /// made for one on a web page (here or on the node that made it).
    public func author(ofRecord record: String, field: String, node: String) throws -> Author? {
        try store.read { db in try Self.author(ofRecord: record, field: field, node: node, in: db) }
    }

    /// `author(ofRecord:field:node:)` read through `reader`, on either store.
    public static func author(ofRecord record: String, field: String, node: String, in reader: any SQLReader) throws
        -> Author?
    {
        guard
            let hlc: Int64 = try reader.rows(
                "SELECT hlc FROM change_log WHERE record = ? AND field = ? AND node = ? ORDER BY seq DESC LIMIT 1",
                [.text(record), .text(field), .text(node)]
            ).first?[0]
        else { return nil }
        return try reader.rows(
            """
            SELECT login, name FROM edit_author
            WHERE node = ? AND first_hlc <= ? AND last_hlc >= ? AND deleted = 0
            ORDER BY first_hlc DESC LIMIT 1
            """, [.text(node), .integer(hlc), .integer(hlc)]
        ).first.map { Author(login: $0[0], name: $0[1]) }
    }
}
