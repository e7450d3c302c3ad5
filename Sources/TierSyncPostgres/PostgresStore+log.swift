import TierSyncCore
import TierSyncStore

/// Reading the log for peers, as a SQLite node does (`NodeStore.forEachChange`): the changes
/// after a cursor that are still kept, of the records a peer's line holds.
extension PostgresStore {
    /// Streams the changes logged after `seq` that are still kept (the latest version of
    /// every field changed since, and conflict losers), of records owned in `line` (its
    /// subtree and the units above it) when given, in log order, until `body` returns false.
    /// One snapshot of the database (`REPEATABLE READ`) serves the whole walk, read a page
    /// of the log at a time.
    ///
    /// - Returns: the last position looked at, which a peer can take as its new cursor.
    @discardableResult
    public func forEachChange(
        after seq: Int64, line: String? = nil, where include: (FieldChange) throws -> Bool = { _ in true },
        _ body: (FieldChange) throws -> Bool
    ) throws -> Int64 {
        try read { session in try forEachChange(after: seq, line: line, session: session, where: include, body) }
    }

    /// Runs `body` in one read-only `REPEATABLE READ` transaction: one snapshot of the
    /// database, whatever other processes commit meanwhile.
    public func read<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try withSession { session in
            try session.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let result = try body(session)
                try session.query("COMMIT")
                return result
            } catch {
                _ = try? session.query("ROLLBACK")
                throw error
            }
        }
    }

    /// `forEachChange(after:line:where:_:)` in the session's transaction: a caller reads the
    /// directory in the same snapshot.
    func forEachChange(
        after seq: Int64, line: String?, session: PostgresSession, where include: (FieldChange) throws -> Bool,
        _ body: (FieldChange) throws -> Bool
    ) throws -> Int64 {
        var filter = ""
        var values: [FieldValue] = []
        if let line {
            let above = line.split(separator: "/").dropLast().map { FieldValue.text(String($0)) }
            let (owned, scope) = Self.ownedInSubtree(of: line, from: 2)
            filter =
                " AND (\(owned)"
                + (above.isEmpty
                    ? ")"
                    : " OR org IN (" + (5..<(5 + above.count)).map { "$\($0)" }.joined(separator: ", ") + "))")
            values = scope + above
        }
        var position = seq
        while true {
            let rows = try session.query(
                "SELECT seq, tbl, record, org, field, value, hlc, node, vv FROM change_log WHERE seq > $1\(filter)"
                    + " ORDER BY seq LIMIT \(Self.logPage)", [.integer(position)] + values)
            let page = try rows.map(Self.logEntry)
            let storage = PostgresMergeStorage(session: session)
            try storage.prefetch(page.map(\.change), tables: tables)
            for (entry, change) in page {
                if try include(change), try isKept(change, storage), try !body(change) { return entry - 1 }
                position = entry
            }
            if page.count < Self.logPage { break }
        }
        return max(seq, try lastSequence(session))
    }

    /// The log's newest position, read in the session's transaction.
    func lastSequence(_ session: PostgresSession) throws -> Int64 {
        try session.query(Self.lastSequenceSQL).first?.decode(Int64.self) ?? 0
    }

    /// The query of the log's newest position (one row per change in `change_log`).
    static let lastSequenceSQL = "SELECT coalesce(max(seq), 0) FROM change_log"

    /// Log entries read per query while walking the log.
    static let logPage = 2_000

    /// True when `change` is still a version its field keeps: the shown one or an open
    /// conflict's loser (`KeptVersions` in SQLite); a later release's change while it is kept.
    func isKept(_ change: FieldChange, _ storage: PostgresMergeStorage) throws -> Bool {
        guard let table = tables[change.table],
            change.field == FieldChange.deletedField || table.field(named: change.field) != nil
        else {
            return try !storage.session.query(
                "SELECT 1 FROM opaque_change WHERE tbl = $1 AND record = $2 AND field = $3 AND node = $4 AND hlc = $5",
                Self.identity(change)
            ).isEmpty
        }
        return try KeptVersions.isKept(change, in: try storage.record(table, id: change.record)) {
            try !storage.session.query(
                """
                SELECT 1 FROM conflict WHERE tbl = $1 AND record = $2 AND field = $3 AND node = $4 AND hlc = $5
                AND kind = 'concurrent' AND settled_hlc IS NULL
                """, Self.identity(change)
            ).isEmpty
        }
    }

    /// What names one version of a field: its table, record, field, node and stamp.
    static func identity(_ change: FieldChange) -> [FieldValue] {
        [
            .text(change.table), .text(change.record.rawValue), .text(change.field), .text(change.node.rawValue),
            .integer(change.hlc.rawValue),
        ]
    }
}
