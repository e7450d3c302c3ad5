import TierSyncDomain
@_spi(Testing) import TierSyncPostgres

/// A hub on PostgreSQL holding a copy of a SQLite node's org units and records, so that every
/// report test also checks that both stores give the same report (`ReportFixture.both`). The
/// copy replaces the hub's records each time: tests write to the SQLite node, through SQL or
/// as a clerk would, and a PostgreSQL hub takes no clerk's edits.
final class PostgresMirror {
    let database: PostgresScratchDatabase
    let hub: PostgresHub

    init(org: String) throws {
        database = try PostgresScratchDatabase()
        hub = try PostgresHub.create(address: database.address, org: org, logger: PostgresScratchDatabase.silent)
    }

    /// Makes the hub's org units and records those of `node`.
    func copy(from node: TierSyncNode) throws { try hub.replaceRecords(with: node) }

    deinit { hub.store.close() }
}
