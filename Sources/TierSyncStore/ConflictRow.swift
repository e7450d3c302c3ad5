import GRDB
import TierSyncCore

/// One row of `conflict`: a version kept beside the shown one (or a field edit made without
/// seeing its record's delete), and, once settled, how it ended.
public struct ConflictRow: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "conflict"

    public enum Kind: String, Codable, Sendable {
        /// Concurrent versions of one field: this one is kept but not shown.
        case concurrent
        /// The record's shown state is deleted, but this field edit was made without seeing
        /// the delete: a person decides whether the record stays deleted.
        case deletedWhileEdited = "deleted-while-edited"
    }

    public var id: Int64?
    public var kind: Kind
    public var tbl: String
    public var record: String
    public var org: String
    public var field: String
    public var value: FieldValue
    public var hlc: Int64
    public var node: String
    public var vv: String
    /// Wall-clock milliseconds when this node found the conflict.
    public var detectedAt: Int64
    public var needsReview: Bool
    /// The stamp and node of the edit that ended the conflict; nil while it is open.
    public var settledHlc: Int64?
    public var settledNode: String?
    public var settlement: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, tbl, record, org, field, value, hlc, node, vv
        case detectedAt = "detected_at", needsReview = "needs_review"
        case settledHlc = "settled_hlc", settledNode = "settled_node", settlement
    }

    /// The version this row keeps.
    public var versioned: VersionedValue? {
        guard let node = NodeID(node), let vector = VersionVector(parsing: vv) else { return nil }
        return VersionedValue(
            value: value, version: FieldVersion(hlc: HLCTimestamp(rawValue: hlc), node: node, versionVector: vector))
    }

    init(
        kind: Kind, table: String, record: RecordID, org: String, field: String, kept: VersionedValue,
        detectedAt: Int64, needsReview: Bool
    ) {
        self.kind = kind
        self.tbl = table
        self.record = record.rawValue
        self.org = org
        self.field = field
        self.value = kept.value
        self.hlc = kept.version.hlc.rawValue
        self.node = kept.version.node.rawValue
        self.vv = kept.version.versionVector.description
        self.detectedAt = detectedAt
        self.needsReview = needsReview
    }

    /// A row as a backend read it back (every column).
    public init(
        id: Int64, kind: Kind, tbl: String, record: String, org: String, field: String, value: FieldValue, hlc: Int64,
        node: String, vv: String, detectedAt: Int64, needsReview: Bool
    ) {
        (self.id, self.kind, self.tbl, self.record, self.org, self.field) = (id, kind, tbl, record, org, field)
        (self.value, self.hlc, self.node, self.vv) = (value, hlc, node, vv)
        (self.detectedAt, self.needsReview) = (detectedAt, needsReview)
    }

    /// Inserts the row with a prepared statement (merges insert many in one batch).
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO conflict (kind, tbl, record, org, field, value, hlc, node, vv, detected_at, needs_review)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            binding: [
                .text(kind.rawValue), .text(tbl), .text(record), .text(org), .text(field), value, .integer(hlc),
                .text(node),
                .text(vv), .integer(detectedAt), .integer(needsReview ? 1 : 0),
            ])
    }

    /// The rows still kept (not settled) for a record, of every field or of one.
    static func kept(_ db: Database, table: String, record: RecordID, field: String? = nil) throws -> [ConflictRow] {
        try ConflictRow.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM conflict WHERE tbl = ? AND record = ? AND settled_hlc IS NULL"
                    + (field == nil ? "" : " AND field = ?") + " ORDER BY id"),
            arguments: StatementArguments([table, record.rawValue] + (field.map { [$0] } ?? [])))
    }

    /// Marks the row settled by `version`, with a word on how.
    static func settle(_ db: Database, id: Int64, by version: FieldVersion, how: String) throws {
        try db.cachedStatement(
            sql: "UPDATE conflict SET settled_hlc = ?, settled_node = ?, settlement = ? WHERE id = ?"
        )
        .execute(arguments: [version.hlc.rawValue, version.node.rawValue, how, id])
    }
}
