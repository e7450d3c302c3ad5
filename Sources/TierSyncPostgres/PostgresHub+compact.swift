import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Compaction of a hub on PostgreSQL, as `tiersync compact` does on a SQLite node: log
/// entries superseded by an edit made on top of them are dropped (what any peer receives
/// stays the same: the newer version, which dominates), then the bytes of files no live
/// attachment refers to. A page of the log at a time, each page one transaction holding the
/// writer lock, so pushes wait for a page, not for the whole log: an entry superseded once
/// stays superseded, so what a page decided holds after it.
///
/// ```swift
/// let dropped = try province.compact()   // logEntries, files, fileBytes
/// ```
extension PostgresHub {
    /// Log entries read and decided per transaction.
    static let compactionPage = 5_000

    /// Drops superseded log entries, then unreferenced files; returns what was dropped.
    public func compact() throws -> TierSyncNode.Compaction {
        // The newest entry stays, so the log's last position never goes back.
        let newest = try lastSequence()
        var (after, dropped) = (Int64(0), 0)
        while after < newest - 1 {
            let (last, count) = try store.write { session in try compactPage(after: after, before: newest, session) }
            guard let last else { break }
            (after, dropped) = (last, dropped + count)
        }
        let (files, bytes) = try store.write { session in
            let unused = """
                SELECT id FROM blob WHERE sha256 NOT IN (
                    SELECT sha256 FROM attachment WHERE deleted = 0 AND sha256 IS NOT NULL)
                """
            let bytes: Int64 =
                try session.rows("SELECT coalesce(sum(length(data)), 0) FROM blob_chunk WHERE blob IN (\(unused))")
                .first?[0] ?? 0
            let files = try session.query("DELETE FROM blob WHERE id IN (\(unused)) RETURNING id").count
            return (files, Int(bytes))
        }
        return TierSyncNode.Compaction(logEntries: dropped, files: files, fileBytes: bytes)
    }

    /// Decides the page of log entries after `after` (and before `before`) and drops those
    /// no longer kept; returns the last position read (nil past the end) and how many it dropped.
    private func compactPage(after: Int64, before: Int64, _ session: PostgresSession) throws -> (Int64?, Int) {
        let entries = try session.query(
            """
            SELECT seq, tbl, record, org, field, value, hlc, node, vv FROM change_log
            WHERE seq > $1 AND seq < $2 ORDER BY seq LIMIT \(Self.compactionPage)
            """, [.integer(after), .integer(before)]
        ).map(PostgresStore.logEntry)
        guard let last = entries.last?.seq else { return (nil, 0) }
        let storage = PostgresMergeStorage(session: session)
        try storage.prefetch(entries.map(\.change), tables: store.tables)
        var dropped: [Int64] = []
        for (seq, change) in entries where try !store.isKept(change, storage) { dropped.append(seq) }
        for part in dropped.chunked(1_000) {
            try session.query("DELETE FROM change_log WHERE seq IN (\(part.map(String.init).joined(separator: ",")))")
        }
        return (last, dropped.count)
    }
}
