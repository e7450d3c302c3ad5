import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Exports of every record the node holds, tombstones included, streamed in chunks so a
/// large node is never held in memory whole.
extension TierSyncNode {
    public enum ExportFormat: String, Sendable, CaseIterable {
        case json, csv, xlsx
    }

    /// Writes `{"records":[…]}` with every record of every synced table (or only `table`),
    /// ordered by table and id.
    public func exportJSON(table: String? = nil, emit: (String) throws -> Void) throws {
        let tables = try Self.exportTables(table, of: store.tables)
        // `emit` goes into the record walk, within the read.
        try withoutActuallyEscaping(emit) { emit in
            try store.read { db in
                try Self.exportJSON(tables, emit: emit) { table, body in try Self.forEachRecord(of: table, db, body) }
            }
        }
    }

    /// Streams the records of `table` by id, tombstones included.
    static func forEachRecord(of table: SyncedTable, _ db: Database, _ body: (StoredRecord) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.name) ORDER BY id")
        while let row = try rows.next() { try body(try StoredRecord(table: table, row: row)) }
    }

    /// Writes the records of `tables` as `exportJSON` does, whatever stores them:
    /// `forEachRecord` streams a table's records by id.
    public static func exportJSON(
        _ tables: [SyncedTable], emit: (String) throws -> Void,
        forEachRecord: (SyncedTable, (StoredRecord) throws -> Void) throws -> Void
    ) throws {
        let encoder = RecordDocument.encoder()
        try emit("{\"records\":[")
        var first = true
        try withoutActuallyEscaping(emit) { emit in
            for table in tables {
                try forEachRecord(table) { record in
                    let document = RecordDocument(record, withTimes: false)
                    try emit((first ? "\n" : ",\n") + String(decoding: try encoder.encode(document), as: UTF8.self))
                    first = false
                }
            }
        }
        try emit("\n]}\n")
    }

    /// Writes one table as CSV: UTF-8 with a byte-order mark and CRLF lines, so that a
    /// spreadsheet opens it with Chinese text intact.
    public func exportCSV(table name: String?, emit: (String) throws -> Void) throws {
        let table = try Self.csvTable(name, of: store.tables)
        try store.read { db in
            try Self.exportCSV(table, emit: emit) { table, body in try Self.forEachRecord(of: table, db, body) }
        }
    }

    /// The one table a CSV export names (by table name or CLI kind name).
    public static func csvTable(_ name: String?, of tables: [String: SyncedTable]) throws -> SyncedTable {
        guard let name else {
            throw DomainError.invalidValue(
                field: "table", value: "",
                allowed: "--table with csv (one table per file): " + tables.keys.sorted().joined(separator: ", "))
        }
        return try exportTables(name, of: tables)[0]
    }

    /// Writes `table` as `exportCSV` does, whatever stores it: `forEachRecord` streams its
    /// records by id.
    public static func exportCSV(
        _ table: SyncedTable, emit: (String) throws -> Void,
        forEachRecord: (SyncedTable, (StoredRecord) throws -> Void) throws -> Void
    ) throws {
        try emit(CSV.byteOrderMark + CSV.line(["id", "org", "deleted", "created", "updated"] + table.fieldNames))
        try withoutActuallyEscaping(emit) { emit in
            try forEachRecord(table) { record in
                try emit(
                    CSV.line(
                        [
                            record.id.rawValue, record.org, record.deleted ? "1" : "0", record.created.isoTime,
                            record.updated.isoTime,
                        ] + table.fieldNames.map { record[$0].description }))
            }
        }
    }

    /// The tables to export: all, or the one named (by table name or CLI kind name).
    func exportTables(_ name: String?) throws -> [SyncedTable] { try Self.exportTables(name, of: store.tables) }

    /// The tables of `tables` to export: all, or the one named (by table name or CLI kind name).
    public static func exportTables(_ name: String?, of tables: [String: SyncedTable]) throws -> [SyncedTable] {
        guard let name else { return tables.keys.sorted().map { tables[$0]! } }
        let wanted = RecordKind.named(name)?.table ?? name
        guard let table = tables[wanted] else { throw StoreError.unknownTable(wanted, known: tables.keys.sorted()) }
        return [table]
    }
}
