import GRDB
import TierSyncCore

/// Reading the change log for peers, and compacting it.
extension NodeStore {
    /// The log's newest sequence number (0 when empty).
    public func lastSequence() throws -> Int64 {
        try read { db in try lastSequence(db: db) }
    }

    /// The epoch the log is in now (see `LogEpoch`).
    public func currentEpoch() throws -> LogEpoch {
        try read { db in try LogEpoch.current(db) }
    }

    /// The log's newest sequence number, read in `db` (a caller's transaction).
    public func lastSequence(db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM change_log") ?? 0
    }

    /// Streams the changes logged after `seq` that are still kept (the latest version of
    /// every field changed since, and conflict losers), in log order, in one read transaction,
    /// until `body` returns false.
    ///
    /// - Returns: the last sequence number looked at (`seq` when there was none), which a
    ///   peer can take as its new cursor: superseded entries up to it need not be sent.
    @discardableResult
    public func forEachChange(after seq: Int64, _ body: (FieldChange) throws -> Bool) throws -> Int64 {
        try read { db in try forEachChange(after: seq, db: db, body) }
    }

    /// `forEachChange(after:_:)` in `db`, a caller's read transaction, for the changes that
    /// `include` lets through, of records owned in `line` when given.
    ///
    /// A hub's log is mostly other children's changes, so a child's page is narrowed twice
    /// before a change is decoded in full and its record read (to know whether it is kept):
    /// - `line`, the path of an org unit: only records owned by that unit, below it or above
    ///   it (what it may receive), tested by SQLite as it walks the log;
    /// - `include`, the exact scope check, which should be cheap.
    @discardableResult
    public func forEachChange(
        after seq: Int64, db: Database, line: String? = nil,
        where include: (FieldChange) throws -> Bool = { _ in true },
        _ body: (FieldChange) throws -> Bool
    ) throws -> Int64 {
        var kept = KeptVersions(db: db, tables: tables)
        var sql = "SELECT * FROM change_log WHERE seq > ?"
        var arguments: StatementArguments = [seq]
        if let line {
            let above = line.split(separator: "/").dropLast().map(String.init)
            sql += " AND (org IN (SELECT code FROM org_unit o WHERE \(OrgUnit.subtreeFilter("o")))"
            sql += above.isEmpty ? ")" : " OR org IN (\(above.map { _ in "?" }.joined(separator: ","))))"
            arguments += OrgUnit.subtreeArguments(line)
            arguments += StatementArguments(above)
        }
        let rows = try Row.fetchCursor(db, sql: sql + " ORDER BY seq", arguments: arguments)
        while let row = try rows.next() {
            let entry = try ChangeLogEntry(row: row)
            if try include(entry.change), try kept.isKept(entry.change), try !body(entry.change) {
                return entry.seq - 1
            }
        }
        // Everything to the log's end was looked at, the entries SQLite passed over too.
        return max(seq, try lastSequence(db: db))
    }

    /// Drops superseded log entries: what any peer receives from any cursor stays the same
    /// (the latest version of every field changed after it). The newest entry is always kept,
    /// so sequence numbers are never reused.
    ///
    /// - Returns: how many entries were dropped.
    @discardableResult
    public func compactLog() throws -> Int {
        try queue.write { db in
            let newest = try lastSequence(db: db)
            var kept = KeptVersions(db: db, tables: tables)
            var superseded: [Int64] = []
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM change_log WHERE seq < ? ORDER BY seq", arguments: [newest])
            while let row = try rows.next() {
                let entry = try ChangeLogEntry(row: row)
                if try !kept.isKept(entry.change) { superseded.append(entry.seq) }
            }
            for chunk in stride(from: 0, to: superseded.count, by: 500) {
                let seqs = superseded[chunk..<min(superseded.count, chunk + 500)]
                try db.execute(
                    sql: "DELETE FROM change_log WHERE seq IN (\(seqs.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(Array(seqs)))
            }
            return superseded.count
        }
    }
}
