import TierSyncStore

extension PostgresHub {
    /// What `tiersync doctor` says of the server a hub on PostgreSQL lives on: its version,
    /// the database's size, and the hub's own records.
    ///
    /// ```swift
    /// try hub.serverSummary()   // "PostgreSQL 17.6, database tiersync_city of 42 MB, hub 520200 六盘水市"
    /// ```
    public func serverSummary() throws -> String {
        try store.withSession { session in
            let row = try session.rows(
                "SELECT current_setting('server_version'), current_database(), pg_database_size(current_database())"
            ).first
            let (version, database, bytes): (String, String, Int64) = (row?[0] ?? "", row?[1] ?? "", row?[2] ?? 0)
            return "PostgreSQL \(version), database \(database) of \(bytes >> 20) MB, hub \(hubOrg.code) \(hubOrg.name)"
        }
    }
}
