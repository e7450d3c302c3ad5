import GRDB
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// A hub on PostgreSQL holding a copy of a SQLite node's org units and records, so that every
/// report test also checks that both stores give the same report (`ReportFixture.report`).
/// The copy replaces the hub's records each time: tests write to the SQLite node, through
/// SQL or as a clerk would, and a PostgreSQL hub takes no clerk's edits.
final class PostgresMirror {
    let database: PostgresScratchDatabase
    let hub: PostgresHub
    private let tables: [SyncedTable]

    init(org: String) throws {
        database = try PostgresScratchDatabase()
        hub = try PostgresHub.create(address: database.address, org: org, logger: PostgresScratchDatabase.silent)
        tables = try SyncedTable.declared().values.sorted { $0.name < $1.name }
    }

    /// Makes the hub's org units and records those of `node`, in one transaction.
    func copy(from node: TierSyncNode) throws {
        let (units, rows) = try node.store.read { db in
            (
                try OrgUnit.fetchAll(db, sql: "SELECT * FROM org_unit ORDER BY path"),
                try tables.map { table in
                    let columns = (SyncedTable.bookkeepingColumns + table.fields.map(\.name)).joined(separator: ", ")
                    return try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table.name)").map { row in
                        Array(row.databaseValues.map { FieldValue.fromDatabaseValue($0) ?? .null })
                    }
                }
            )
        }
        try hub.store.withSession { session in
            try session.transaction {
                for unit in units {
                    try session.query(
                        """
                        INSERT INTO org_unit (code, parent, name, level, path) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (code) DO NOTHING
                        """,
                        [
                            .text(unit.code), unit.parent.map(FieldValue.text) ?? .null, .text(unit.name),
                            .text(unit.level.rawValue), .text(unit.path),
                        ])
                }
                for (table, rows) in zip(tables, rows) {
                    try session.query("DELETE FROM \(table.name)")
                    let columns = SyncedTable.bookkeepingColumns + table.fields.map(\.name)
                    let marks = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
                    for row in rows {
                        try session.query(
                            "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES (\(marks))", row)
                    }
                }
            }
        }
    }
}
