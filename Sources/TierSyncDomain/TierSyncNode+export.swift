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
        let tables = try exportTables(table)
        let encoder = RecordDocument.encoder()
        try emit("{\"records\":[")
        var first = true
        try store.read { db in
            for table in tables {
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.name) ORDER BY id")
                while let row = try rows.next() {
                    let document = RecordDocument(try StoredRecord(table: table, row: row), withTimes: false)
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
        guard let name else {
            throw DomainError.invalidValue(
                field: "table", value: "",
                allowed: "--table with csv (one table per file): " + store.tables.keys.sorted().joined(separator: ", "))
        }
        let table = try exportTables(name)[0]
        try emit(CSV.byteOrderMark + CSV.line(["id", "org", "deleted", "created", "updated"] + table.fieldNames))
        try store.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.name) ORDER BY id")
            while let row = try rows.next() {
                let record = try StoredRecord(table: table, row: row)
                try emit(
                    CSV.line(
                        [
                            record.id.rawValue, record.org, record.deleted ? "1" : "0", record.created.isoTime,
                            record.updated.isoTime,
                        ]
                            + table.fieldNames.map { record[$0].description }))
            }
        }
    }

    /// The tables to export: all, or the one named (by table name or CLI kind name).
    func exportTables(_ name: String?) throws -> [SyncedTable] {
        guard let name else { return store.tables.keys.sorted().map { store.tables[$0]! } }
        return [try store.table(named: RecordKind.named(name)?.table ?? name)]
    }
}
