import PostgresNIO
import TierSyncCore
import TierSyncStore

/// `MergeStorage` over a PostgreSQL store, in the session's transaction: the same merge as
/// SQLite's (`RemoteMerge`), with these statements underneath.
///
/// Each statement is a round trip to the server, so a batch's records are read in a few
/// queries before the merge (`prefetch`), and its record writes are held and sent as
/// upserts of one array a column after it (`flush`): a few round trips per batch, not two
/// per record.
///
/// For a hub's group commit (`holdingAll`), one storage serves every push of the group: the
/// group's records are read ahead together, and new nodes and the clock are held too, so the
/// whole group costs a few round trips. A record a push wrote is read back from what is held.
struct PostgresMergeStorage: MergeStorage {
    let session: PostgresSession
    /// Whether node registrations and the clock are held until `flush` too.
    let holdingAll: Bool
    let cache = Cache()

    init(session: PostgresSession, holdingAll: Bool = false) {
        self.session = session
        self.holdingAll = holdingAll
    }

    /// Records read ahead or written (an inner nil: known to be absent), and what is held
    /// until `flush`: record writes (the last of each record, in the order first written),
    /// log entries, and with `holdingAll` new nodes and the newest stamp seen.
    final class Cache {
        var records: [String: StoredRecord?] = [:]
        var writes: [String: RecordState] = [:]
        var written: [String] = []
        var log: [FieldChange] = []
        /// New nodes by id (a later push of a group may name one again, with another org),
        /// in the order first named: one statement may not upsert a row twice.
        var nodes: [NodeID: String] = [:]
        var named: [NodeID] = []
        var newest: HLCTimestamp?
        /// Whether a conflict row was written: those go to the server at once, not at `flush`.
        var wroteConflicts = false
    }

    /// Whether this storage wrote a conflict row (inserted, settled, removed or marked), which
    /// goes to the server at once: a caller that drops its held writes instead of flushing
    /// them cannot undo that. (With `holdingAll`, new nodes and the clock are held too.)
    var wroteConflicts: Bool { cache.wroteConflicts }

    /// At most this many parameters per statement (PostgreSQL takes 65,535).
    static let maxParameters = 30_000

    /// Reads every record that `changes` name, a query per table and 2,000 ids.
    func prefetch(_ changes: [FieldChange], tables: [String: SyncedTable]) throws {
        try prefetch(changes.map { ($0.table, $0.record.rawValue) }, tables: tables)
    }

    /// Reads every record of `records` (table, id), a query per table and 2,000 ids.
    func prefetch(_ records: some Sequence<(table: String, id: String)>, tables: [String: SyncedTable]) throws {
        var ids: [String: Set<String>] = [:]
        for (table, id) in records where tables[table] != nil { ids[table, default: []].insert(id) }
        for (name, wanted) in ids {
            let table = tables[name]!
            for part in Array(wanted).chunked(2_000) {
                for id in part { cache.records[name + " " + id] = .some(nil) }
                let rows = try session.query(
                    "SELECT \(Self.columns(table)) FROM \(name) WHERE id IN ("
                        + (1...part.count).map { "$\($0)" }.joined(separator: ", ") + ")", part.map(FieldValue.text))
                for row in rows {
                    let record = try Self.record(table, row)
                    cache.records[name + " " + record.id.rawValue] = .some(record)
                }
            }
        }
    }

    func record(_ table: SyncedTable, id: RecordID) throws -> StoredRecord? {
        let key = table.name + " " + id.rawValue
        if let held = cache.writes[key] { return StoredRecord(held) }
        if let cached = cache.records[key] { return cached }
        // Kept for the next read (an edit checks a record is new, then the merge reads it):
        // every write of the transaction goes through this storage, which keeps it too.
        let found = try session.query(
            "SELECT \(Self.columns(table)) FROM \(table.name) WHERE id = $1", [.text(id.rawValue)]
        ).first.map { try Self.record(table, $0) }
        cache.records[key] = .some(found)
        return found
    }

    static func columns(_ table: SyncedTable) -> String {
        (SyncedTable.bookkeepingColumns + table.fieldNames).joined(separator: ", ")
    }

    /// A record from a row of `columns(table)`.
    static func record(_ table: SyncedTable, _ row: PostgresRow) throws -> StoredRecord {
        let cells = row.makeRandomAccess()
        let idText = try cells[0].decode(String.self)
        guard let id = RecordID(idText), let versions = FieldVersions(parsing: try cells[5].decode(String.self)) else {
            throw PostgresStoreError.corrupt("record \(table.name) \(idText) that cannot be read")
        }
        var fields: [String: FieldValue] = [:]
        for (offset, field) in table.fields.enumerated() {
            fields[field.name] = try PostgresValue.cell(cells[6 + offset], field.affinity)
        }
        return StoredRecord(
            table: table.name, id: id, org: try cells[1].decode(String.self),
            created: HLCTimestamp(rawValue: try cells[2].decode(Int64.self)),
            updated: HLCTimestamp(rawValue: try cells[3].decode(Int64.self)),
            deleted: try cells[4].decode(Int32.self) != 0, fields: fields, versions: versions)
    }

    /// The columns `conflict(_:)` reads, in its order.
    static let conflictColumns = "id, kind, tbl, record, org, field, value, hlc, node, vv, detected_at, needs_review"
    /// How a conflict was settled, read after `conflictColumns`.
    static let settledColumns = "settled_hlc, settlement, settled_node"

    func openConflicts(table: String, record: RecordID, field: String?) throws -> [ConflictRow] {
        let sql =
            "SELECT \(Self.conflictColumns) FROM conflict"
            + " WHERE tbl = $1 AND record = $2 AND settled_hlc IS NULL" + (field == nil ? "" : " AND field = $3")
            + " ORDER BY id"
        let values: [FieldValue] = [.text(table), .text(record.rawValue)] + (field.map { [.text($0)] } ?? [])
        return try session.query(sql, values).map(Self.conflict)
    }

    /// A conflict from a row of `conflictColumns`, and with `settled`, of `settledColumns`
    /// after them.
    static func conflict(_ row: PostgresRow, settled: Bool) throws -> ConflictRow {
        let (id, kind, tbl, record, org, field) = try row.decode((Int64, String, String, String, String, String).self)
        let cells = row.makeRandomAccess()
        guard let kind = ConflictRow.Kind(rawValue: kind) else {
            throw PostgresStoreError.corrupt("a conflict of kind \(kind)")
        }
        var conflict = ConflictRow(
            id: id, kind: kind, tbl: tbl, record: record, org: org, field: field,
            value: try PostgresValue.untagged(try cells[6].decode(String?.self)),
            hlc: try cells[7].decode(Int64.self), node: try cells[8].decode(String.self),
            vv: try cells[9].decode(String.self), detectedAt: try cells[10].decode(Int64.self),
            needsReview: try cells[11].decode(Bool.self))
        if settled {
            conflict.settledHlc = try cells[12].decode(Int64?.self)
            conflict.settlement = try cells[13].decode(String?.self)
            conflict.settledNode = try cells[14].decode(String?.self)
        }
        return conflict
    }

    static func conflict(_ row: PostgresRow) throws -> ConflictRow { try conflict(row, settled: false) }

    func insertConflict(_ row: ConflictRow) throws {
        cache.wroteConflicts = true
        try session.query(
            """
            INSERT INTO conflict (kind, tbl, record, org, field, value, hlc, node, vv, detected_at, needs_review)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 = 1)
            """,
            [
                .text(row.kind.rawValue), .text(row.tbl), .text(row.record), .text(row.org), .text(row.field),
                PostgresValue.tagged(row.value), .integer(row.hlc), .text(row.node), .text(row.vv),
                .integer(row.detectedAt), .integer(row.needsReview ? 1 : 0),
            ])
    }

    func settleConflict(id: Int64, by version: FieldVersion, how: String) throws {
        cache.wroteConflicts = true
        try session.query(
            "UPDATE conflict SET settled_hlc = $1, settled_node = $2, settlement = $3 WHERE id = $4",
            [.integer(version.hlc.rawValue), .text(version.node.rawValue), .text(how), .integer(id)])
    }

    func removeConflict(id: Int64) throws {
        cache.wroteConflicts = true
        try session.query("DELETE FROM conflict WHERE id = $1", [.integer(id)])
    }

    func setNeedsReview(id: Int64, _ needsReview: Bool) throws {
        cache.wroteConflicts = true
        try session.query(
            "UPDATE conflict SET needs_review = ($1 = 1) WHERE id = $2", [.integer(needsReview ? 1 : 0), .integer(id)])
    }

    /// Held until `flush`: the merge writes each record once, after its last change (a
    /// later push of a group may write it again).
    func write(_ state: RecordState) throws {
        let key = state.table.name + " " + state.id.rawValue
        if cache.writes.updateValue(state, forKey: key) == nil { cache.written.append(key) }
    }

    /// Sends what is held, as inserts and upserts of one array a column
    /// (`PostgresMergeStorage+bulk`). A group's storage keeps what it read ahead, with what it
    /// wrote; another forgets it.
    func flush() throws {
        try sendLog()
        try sendNodes()
        var byTable: [String: [RecordState]] = [:]
        var tables: [String] = []
        for key in cache.written {
            let state = cache.writes[key]!
            if byTable[state.table.name] == nil { tables.append(state.table.name) }
            byTable[state.table.name, default: []].append(state)
            if holdingAll { cache.records[key] = .some(StoredRecord(state)) }
        }
        for name in tables {
            let states = byTable[name]!
            for part in Self.statementParts(states, size: Self.size(of:)) { try sendRecords(part) }
        }
        cache.writes = [:]
        cache.written = []
        if !holdingAll { cache.records = [:] }
        if let newest = cache.newest {
            cache.newest = nil
            try sendClock(newest)
        }
    }

    private func sendNodes() throws {
        guard !cache.named.isEmpty else { return }
        for part in cache.named.chunked(Self.maxParameters / 2) {
            let rows = part.indices.map { "($\($0 * 2 + 1), $\($0 * 2 + 2))" }
            try session.query(
                "INSERT INTO peer_node (id, org) VALUES \(rows.joined(separator: ", "))"
                    + " ON CONFLICT (id) DO UPDATE SET org = excluded.org",
                part.flatMap { [FieldValue.text($0.rawValue), .text(cache.nodes[$0]!)] })
        }
        cache.nodes = [:]
        cache.named = []
    }

    private func sendClock(_ stamp: HLCTimestamp) throws {
        try session.query("UPDATE node SET clock = $1 WHERE clock < $1", [.integer(stamp.rawValue)])
    }

    /// Held until `flush`, in order: the log's positions follow the calls.
    func log(_ changes: [FieldChange]) throws {
        cache.log += changes
    }

    func keepOpaque(_ change: FieldChange) throws -> Bool {
        try !session.query(
            """
            INSERT INTO opaque_change (tbl, record, field, node, hlc) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT DO NOTHING RETURNING 1
            """,
            [
                .text(change.table), .text(change.record.rawValue), .text(change.field), .text(change.node.rawValue),
                .integer(change.hlc.rawValue),
            ]
        ).isEmpty
    }

    func observe(_ stamp: HLCTimestamp) throws {
        guard holdingAll else { return try sendClock(stamp) }
        cache.newest = max(cache.newest ?? stamp, stamp)
    }

    func registerNode(_ node: NodeID, org: String) throws {
        if cache.nodes.updateValue(org, forKey: node) == nil { cache.named.append(node) }
        if !holdingAll { try sendNodes() }
    }
}

extension StoredRecord {
    /// The record as `state` leaves it, every field of its table named.
    init(_ state: RecordState) {
        self.init(
            table: state.table.name, id: state.id, org: state.org, created: state.created, updated: state.updated,
            deleted: state.deleted,
            fields: Dictionary(uniqueKeysWithValues: state.table.fieldNames.map { ($0, state.values[$0] ?? .null) }),
            versions: state.versions)
    }
}
