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
        try Int64.fetchOne(db, sql: Self.lastSequenceSQL) ?? 0
    }

    /// The query of the log's newest sequence number: every change, a node's own writes
    /// included, is a row of `change_log_row` (migration 0016 packs them in `change_log`).
    public static let lastSequenceSQL = "SELECT coalesce(max(seq), 0) FROM change_log_row"

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
        // A row's `seq` is its last entry's: a row holding entries at or before `seq` is read
        // when one of its later entries is after it, and the earlier ones are passed over.
        var sql = "SELECT * FROM change_log_row WHERE seq > ?"
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
            for entry in try ChangeLogEntry.entries(of: row) where entry.seq > seq {
                if try include(entry.change), try kept.isKept(entry.change), try !body(entry.change) {
                    return entry.seq - 1
                }
            }
        }
        // Everything to the log's end was looked at, the entries SQLite passed over too.
        return max(seq, try lastSequence(db: db))
    }

    /// Drops superseded log entries: what any peer receives from any cursor stays the same
    /// (the latest version of every field changed after it). The newest row is always kept,
    /// so sequence numbers are never reused.
    ///
    /// A row whose entries are all superseded is deleted; one with some still kept is written
    /// again with the others marked dropped (see `Schema/0016_packed_log.sql`), so that every
    /// entry keeps its number.
    ///
    /// - Returns: how many entries were dropped.
    @discardableResult
    public func compactLog() throws -> Int {
        try queue.write { db in
            let newest = try lastSequence(db: db)
            var kept = KeptVersions(db: db, tables: tables)
            var deleted: [Int64] = []
            var rewritten: [(seq: Int64, field: String, value: FieldValue, more: String?)] = []
            var dropped = 0
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM change_log_row WHERE seq < ? ORDER BY seq", arguments: [newest])
            while let row = try rows.next() {
                let seq: Int64 = row["seq"]
                let count: Int64 = row["n"]
                let entries = try ChangeLogEntry.entries(of: row)
                let live = try entries.filter { try kept.isKept($0.change) }
                guard live.count < entries.count else { continue }
                dropped += entries.count - live.count
                guard !live.isEmpty else {
                    deleted.append(seq)
                    continue
                }
                // The row's entries by index, nil where dropped (now or before).
                var slots = [FieldChange?](repeating: nil, count: Int(count))
                for entry in live { slots[Int(entry.seq - (seq - count + 1))] = entry.change }
                rewritten.append(
                    (
                        seq, slots[0]?.field ?? "", slots[0]?.value ?? .null,
                        count == 1
                            ? nil : PackedFields.encode(slots.dropFirst().map { $0.map { ($0.field, $0.value) } })
                    ))
            }
            for chunk in stride(from: 0, to: deleted.count, by: 500) {
                let seqs = deleted[chunk..<min(deleted.count, chunk + 500)]
                try db.execute(
                    sql: "DELETE FROM change_log_row WHERE seq IN (\(seqs.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(Array(seqs)))
            }
            let rewrite = try db.cachedStatement(
                sql: "UPDATE change_log_row SET field = ?, value = ?, more = ? WHERE seq = ?")
            for row in rewritten {
                try rewrite.execute(binding: [
                    .text(row.field), row.value, row.more.map(FieldValue.text) ?? .null, .integer(row.seq),
                ])
            }
            return dropped
        }
    }
}
