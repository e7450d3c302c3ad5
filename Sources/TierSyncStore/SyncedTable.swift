import GRDB
import TierSyncCore

/// A table of synced records and its fields, read from the schema itself so that the SQL
/// migrations stay the single source of the layout.
public final class SyncedTable: Sendable, Hashable {
    /// Columns every synced table has that are bookkeeping, not fields.
    public static let bookkeepingColumns = ["id", "org", "created", "updated", "deleted", "versions"]

    /// A field and the type SQLite declares for it.
    public struct Field: Sendable, Hashable {
        public enum Affinity: Sendable, Hashable { case text, integer, real }
        public let name: String
        public let affinity: Affinity
    }

    public let name: String
    /// Fields in schema order.
    public let fields: [Field]
    /// `INSERT` of every column, bookkeeping first (in `bookkeepingColumns` order), then
    /// fields in schema order.
    let insertSQL: String
    /// `insertSQL` that does nothing when a record with the id exists: a record copied whole
    /// from a snapshot.
    let snapshotInsertSQL: String
    /// The row of one record by id.
    let selectSQL: String
    /// `UPDATE` of every column but the id and org, fields in schema order, id last.
    let updateAllSQL: String

    init(name: String, fields: [Field]) {
        self.name = name
        self.fields = fields
        insertSQL =
            "INSERT INTO \(name) (" + (Self.bookkeepingColumns + fields.map(\.name)).joined(separator: ", ")
            + ") VALUES ("
            + Array(repeating: "?", count: Self.bookkeepingColumns.count + fields.count).joined(separator: ", ") + ")"
        snapshotInsertSQL = insertSQL + " ON CONFLICT (id) DO NOTHING"
        selectSQL = "SELECT * FROM \(name) WHERE id = ?"
        updateAllSQL =
            "UPDATE \(name) SET created = ?, updated = ?, deleted = ?, versions = ?"
            + fields.map { ", \($0.name) = ?" }.joined() + " WHERE id = ?"
    }

    public var fieldNames: [String] { fields.map(\.name) }

    public static func == (lhs: SyncedTable, rhs: SyncedTable) -> Bool {
        lhs.name == rhs.name && lhs.fields == rhs.fields
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// The record with `id`, deleted or not; nil when there is none.
    func record(_ id: RecordID, in db: Database) throws -> StoredRecord? {
        try db.cachedStatement(sql: selectSQL).firstRow(binding: [.text(id.rawValue)]) {
            try StoredRecord(table: self, positional: $0)
        }
    }

    /// The synced tables as this release's migrations declare them, read from a database in
    /// memory: what another backend (PostgreSQL) creates its record tables from, so that the
    /// SQL migrations stay the single source of the layout.
    public static func declared(laterMigrations: [SchemaMigration] = []) throws -> [String: SyncedTable] {
        let queue = try DatabaseQueue()
        try SchemaMigrations.migrator(later: laterMigrations).migrate(queue)
        return try queue.read { db in try loadAll(db) }
    }

    /// Loads every table listed in `synced_table`.
    static func loadAll(_ db: Database) throws -> [String: SyncedTable] {
        var tables: [String: SyncedTable] = [:]
        for name in try String.fetchAll(db, sql: "SELECT name FROM synced_table ORDER BY name") {
            let columns = try db.columns(in: name)
            guard columns.prefix(bookkeepingColumns.count).map(\.name) == bookkeepingColumns else {
                throw StoreError.corruptRow(table: name, id: "schema: the first columns must be \(bookkeepingColumns)")
            }
            let fields = columns.dropFirst(bookkeepingColumns.count)
                .map { Field(name: $0.name, affinity: Field.Affinity(declaredType: $0.type)) }
            tables[name] = SyncedTable(name: name, fields: fields)
        }
        return tables
    }

    /// `value` in the storage class of the field's column, so that a value read back equals
    /// the value written and an unchanged field is never logged as a change.
    func normalized(_ value: FieldValue, for field: Field) -> FieldValue {
        switch (field.affinity, value) {
        case (.real, .integer(let integer)): return .real(Double(integer))
        case (.integer, .real(let real)) where real.rounded() == real && abs(real) < 9e15:
            return .integer(Int64(real))
        default: return value
        }
    }
}

extension SyncedTable.Field.Affinity {
    init(declaredType: String) {
        switch declaredType.uppercased() {
        case "INTEGER", "INT": self = .integer
        case "REAL", "DOUBLE", "FLOAT": self = .real
        default: self = .text
        }
    }
}
