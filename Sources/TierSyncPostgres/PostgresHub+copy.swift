import TierSyncCore
import TierSyncDomain
import TierSyncStore

extension PostgresHub {
    /// Makes this hub's org units and records those of the SQLite node `node`, in one
    /// transaction: every record table emptied and filled with the node's rows as they are
    /// (versions, deleted ones), org units added. Nothing is logged and no conflict is copied:
    /// this is for comparing what the two stores give for the same records (the report tests,
    /// the reports benchmark), not a way to move a hub.
    ///
    /// ```swift
    /// try hub.replaceRecords(with: node)
    /// let report = try hub.readingRecords { try Report.make(.coverage, org: "520200", options: options, db: $0) }
    /// ```
    @_spi(Testing) public func replaceRecords(with node: TierSyncNode) throws {
        let tables = store.tables.values.sorted { $0.name < $1.name }
        // One read of the node, one transaction here: the copy is of one moment.
        try node.readingRecords { db in
            try store.write { session in
                let units = try db.rows("SELECT code, parent, name, level, path FROM org_unit ORDER BY path")
                for batch in units.map(\.values).chunked(1_000) {
                    try insert(
                        "org_unit", columns: ["code", "parent", "name", "level", "path"],
                        conflict: "ON CONFLICT (code) DO NOTHING", rows: batch, session)
                }
                for table in tables {
                    try session.query("DELETE FROM \(table.name)")
                    let columns = SyncedTable.bookkeepingColumns + table.fields.map(\.name)
                    // At most 65,535 parameters a statement: rows in batches that stay below.
                    let perBatch = 60_000 / columns.count
                    var batch: [[FieldValue]] = []
                    try db.forEachRow("SELECT \(columns.joined(separator: ", ")) FROM \(table.name)", []) { row in
                        batch.append(row.values)
                        if batch.count == perBatch {
                            try insert(table.name, columns: columns, rows: batch, session)
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                    if !batch.isEmpty { try insert(table.name, columns: columns, rows: batch, session) }
                }
            }
        }
    }

    private func insert(
        _ table: String, columns: [String], conflict: String = "", rows: [[FieldValue]], _ session: PostgresSession
    ) throws {
        var number = 0
        let values = rows.map { row in
            "("
                + row.map { _ in
                    number += 1
                    return "$\(number)"
                }.joined(separator: ", ") + ")"
        }
        try session.query(
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(values.joined(separator: ", ")) \(conflict)",
            rows.flatMap { $0 })
    }
}
