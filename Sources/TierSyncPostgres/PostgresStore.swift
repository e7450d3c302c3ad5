import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import TierSyncCore
import TierSyncStore

/// A node's store in PostgreSQL, for a hub that outgrows one machine: the tables of records,
/// conflicts, the log, the directory, trust, epochs and files (not yet those of people or
/// reports), and the same merge (`RemoteMerge`) over `PostgresMergeStorage`. What a hub
/// serves from it is `PostgresHub`.
///
/// ```swift
/// let store = try PostgresStore.create(
///     address: try PostgresAddress(parsing: "postgresql://tiersync@127.0.0.1/province"),
///     org: "520000", orgs: seeds.orgs, nodeID: id)
/// let report = try store.apply(changes, nodes: senders)
/// ```
///
/// Several processes may share one database. Every write transaction first takes one
/// transaction-scoped advisory lock (`writerLock`), so writes are serialized across processes
/// as SQLite serializes them within one file: a push's merge reads the records it changes and
/// appends to the log with no other writer in between, so no change is lost or logged twice,
/// conflicts come out as they would in one process, and log positions are assigned in commit
/// order (a pull never skips a position that commits later). Reads (pulls, snapshots, status)
/// take no lock and run on any process. `apply` takes one batch per transaction; a hub's
/// group commit (`PostgresHub.acceptAll`) takes many pushes in one.
public final class PostgresStore: Sendable {
    public let address: PostgresAddress
    public let node: NodeID
    public let org: String
    public let tables: [String: SyncedTable]
    public let policies: MergePolicies
    public let wallClock: any WallClock
    let logger: Logger
    private let idle = NIOLockedValueBox<[PostgresSession]>([])

    /// The advisory lock every write transaction holds: one writer at a time, across processes.
    static let writerLock: Int64 = 0x5469_6572_5379_6e63  // "TierSync"

    private init(
        address: PostgresAddress, node: NodeID, org: String, tables: [String: SyncedTable], policies: MergePolicies,
        wallClock: any WallClock, logger: Logger
    ) {
        (self.address, self.node, self.org, self.tables) = (address, node, org, tables)
        (self.policies, self.wallClock, self.logger) = (policies, wallClock, logger)
    }

    /// Makes a new node's store in the (empty) database at `address`: the schema, the org
    /// units, and the node's identity, in one transaction.
    public static func create(
        address: PostgresAddress, org: String, orgs: [OrgUnit], vocabulary: [VocabularyTerm] = [], nodeID: NodeID,
        policies: MergePolicies = MergePolicies(),
        wallClock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "tiersync.postgres")
    ) throws -> PostgresStore {
        let tables = try SyncedTable.declared()
        let session = try PostgresSession.connect(address, logger: logger)
        defer { try? session.close() }
        try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(writerLock)])
            try PostgresSchema.create(in: session, tables: tables)
            if let existing = try session.query("SELECT id, org FROM node").first {
                let (id, org) = try existing.decode((String, String).self)
                throw PostgresStoreError.alreadyInitialized(address: address.description, org: org, node: id)
            }
            for unit in orgs {
                try session.query(
                    "INSERT INTO org_unit (code, parent, name, level, path) VALUES ($1, $2, $3, $4, $5)",
                    [
                        .text(unit.code), unit.parent.map(FieldValue.text) ?? .null, .text(unit.name),
                        .text(unit.level.rawValue), .text(unit.path),
                    ])
            }
            try insert(vocabulary + SchemaMigrations.vocabulary(), session)
            let now = ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())
            try session.query(
                "INSERT INTO node (id, org, created_at) VALUES ($1, $2, $3)",
                [.text(nodeID.rawValue), .text(org), .text(now)])
            var random = SystemRandomNumberGenerator()
            try session.query(
                "INSERT INTO log_epoch (id, since_seq, started_at, reason) VALUES ($1, 0, $2, 'created')",
                [.text(NodeID.random(using: &random).rawValue), .text(now)])
        }
        return PostgresStore(
            address: address, node: nodeID, org: org, tables: tables, policies: policies, wallClock: wallClock,
            logger: logger)
    }

    /// Adds the terms of the SQLite schema's migrations that a store made by an earlier
    /// release lacks (it took the seeds' only, so `share=children` was refused there), under
    /// the writer lock; a read alone when none is missing.
    static func addSchemaVocabulary(_ session: PostgresSession) throws {
        let terms = try SchemaMigrations.vocabulary()
        let present = Set(
            try session.query(
                "SELECT kind || ' ' || key FROM vocabulary WHERE kind IN (SELECT jsonb_array_elements_text(CAST($1 AS jsonb)))",
                [SQLDialect.jsonList(Set(terms.map(\.kind)))]
            ).map { try $0.decode(String.self) })
        let missing = terms.filter { !present.contains($0.kind + " " + $0.key) }
        guard !missing.isEmpty else { return }
        try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(writerLock)])
            try insert(missing, session)
        }
    }

    /// Stores `terms` as the reference vocabulary (the names reports show for keys).
    static func insert(_ terms: [VocabularyTerm], _ session: PostgresSession) throws {
        for term in terms {
            try session.query(
                "INSERT INTO vocabulary (kind, key, name, position) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                [.text(term.kind), .text(term.key), .text(term.name), .integer(Int64(term.position))])
        }
    }

    /// Checks, before anything is spent on it (an enrollment code), that `create` can make a
    /// store at `address`: the server answers and the database holds no node yet.
    public static func requireNew(address: PostgresAddress, logger: Logger = Logger(label: "tiersync.postgres"))
        throws
    {
        let session = try PostgresSession.connect(address, logger: logger)
        defer { try? session.close() }
        guard try session.query("SELECT to_regclass('node')::text").first?.decode(String?.self) != nil,
            let existing = try session.query("SELECT id, org FROM node").first
        else { return }
        let (id, org) = try existing.decode((String, String).self)
        throw PostgresStoreError.alreadyInitialized(address: address.description, org: org, node: id)
    }

    /// Opens the node's store at `address`.
    ///
    /// - Parameter vocabulary: the terms a store made by an earlier release, which kept none,
    ///   is given as `open` adds the tables it lacks (the built-in seeds', as a rule).
    public static func open(
        address: PostgresAddress, policies: MergePolicies = MergePolicies(),
        wallClock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "tiersync.postgres"),
        vocabulary: () throws -> [VocabularyTerm] = { [] }
    ) throws -> PostgresStore {
        let session = try PostgresSession.connect(address, logger: logger)
        defer { try? session.close() }
        guard
            let row = try? session.query("SELECT id, org FROM node").first,
            let (id, org) = try? row.decode((String, String).self), let node = NodeID(id)
        else { throw PostgresStoreError.notInitialized(address: address.description) }
        let tables = try SyncedTable.declared()
        if try PostgresSchema.isMissingTables(in: session, tables: tables) {
            // Made by an earlier release: add the tables it lacks, under the writer lock.
            try session.transaction {
                try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(writerLock)])
                try PostgresSchema.create(in: session, tables: tables)
                if try session.query("SELECT 1 FROM vocabulary LIMIT 1").isEmpty {
                    try insert(try vocabulary(), session)
                }
            }
        }
        try addSchemaVocabulary(session)
        return PostgresStore(
            address: address, node: node, org: org, tables: tables, policies: policies,
            wallClock: wallClock, logger: logger)
    }

    /// Runs `body` with a connection of this store's own, kept open for the next call.
    public func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let session = try idle.withLockedValue { $0.popLast() } ?? PostgresSession.connect(address, logger: logger)
        do {
            let result = try body(session)
            idle.withLockedValue { $0.append(session) }
            return result
        } catch let error as PostgresStoreError {
            // The server or the connection failed: the session is closed, not reused.
            try? session.close()
            throw error
        } catch {
            // A refusal (scope, a bad chunk…): its transaction was rolled back, the session is sound.
            idle.withLockedValue { $0.append(session) }
            throw error
        }
    }

    /// Runs `body` in one write transaction, holding the writer lock.
    public func write<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try withSession { session in
            try session.transaction {
                try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(Self.writerLock)])
                return try body(session)
            }
        }
    }

    /// Applies remote changes in one write transaction, with the merge every backend uses.
    public func apply(
        _ changes: [FieldChange], nodes: [NodeID: String] = [:], skewBound: Int64 = ChangeWriter.defaultSkewBound
    ) throws -> ApplyReport {
        try write { session in
            let storage = PostgresMergeStorage(session: session)
            try storage.prefetch(changes, tables: tables)
            var merge = RemoteMerge(
                storage: storage, node: node, tables: tables, policies: policies,
                clock: HybridLogicalClock(last: try clock(session)), wallClock: wallClock)
            let report = try merge.apply(changes, nodes: nodes, skewBound: skewBound, directory: try directory(session))
            try storage.flush()
            return report
        }
    }

    /// The directory of nodes and orgs, read in the session's transaction.
    func directory(_ session: PostgresSession) throws -> PeerDirectory {
        var nodes: [NodeID: String] = [:]
        for row in try session.query("SELECT id, org FROM peer_node UNION ALL SELECT id, org FROM node") {
            let (id, org) = try row.decode((String, String).self)
            if let node = NodeID(id) { nodes[node] = org }
        }
        var paths: [String: String] = [:]
        for row in try session.query("SELECT code, path FROM org_unit") {
            let (code, path) = try row.decode((String, String).self)
            paths[code] = path
        }
        return PeerDirectory(nodeOrgs: nodes, orgPaths: paths)
    }

    /// The clock resumes from the greater of the stamps observed from peers and the newest
    /// log entry, as a SQLite node's does.
    func clock(_ session: PostgresSession) throws -> HLCTimestamp {
        let row = try session.query(
            "SELECT greatest(clock, coalesce((SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1), 0)) FROM node")
        return HLCTimestamp(rawValue: try row.first?.decode(Int64.self) ?? 0)
    }

    // postgres-nio requires every connection closed before it goes away. The last reference
    // may go on an event loop (a site's pages, released as its server stops), where waiting
    // for the close would stop the loop: the close is begun, not waited for.
    deinit {
        for session in idle.withLockedValue({ $0 }) { session.beginClose() }
    }

    /// Closes the connections kept open.
    public func close() {
        for session in idle.withLockedValue({ sessions in
            defer { sessions = [] }; return sessions
        }) {
            try? session.close()
        }
    }
}

/// Reading what the store holds: what conformance tests compare with a SQLite node's.
extension PostgresStore {
    /// Every record of `table`, deleted ones included, by id.
    public func records(of table: SyncedTable) throws -> [StoredRecord] {
        try withSession { session in
            try session.query(
                "SELECT \(PostgresMergeStorage.columns(table)) FROM \(table.name) ORDER BY id COLLATE \"C\""
            )
            .map { try PostgresMergeStorage.record(table, $0) }
        }
    }

    /// The open conflict rows, oldest first.
    public func openConflicts() throws -> [ConflictRow] {
        try withSession { session in try openConflicts(session) }
    }

    /// The open conflict rows, oldest first, read in the session's transaction; with
    /// `includeSettled`, the settled ones too.
    func openConflicts(_ session: PostgresSession, includeSettled: Bool = false) throws -> [ConflictRow] {
        try session.query(
            "SELECT \(PostgresMergeStorage.conflictColumns), \(PostgresMergeStorage.settledColumns) FROM conflict"
                + (includeSettled ? "" : " WHERE settled_hlc IS NULL") + " ORDER BY id"
        ).map { try PostgresMergeStorage.conflict($0, settled: true) }
    }

    /// Every change in the log, in log order.
    public func loggedChanges() throws -> [FieldChange] {
        try withSession { session in
            try session.query("SELECT seq, tbl, record, org, field, value, hlc, node, vv FROM change_log ORDER BY seq")
                .map { try Self.logEntry($0).change }
        }
    }

    /// A log entry from a row of `seq, tbl, record, org, field, value, hlc, node, vv`.
    static func logEntry(_ row: PostgresRow) throws -> (seq: Int64, change: FieldChange) {
        let (seq, table, record, org, field, value, hlc, node, vector) = try row.decode(
            (Int64, String, String, String, String, String?, Int64, String, String).self)
        guard let id = RecordID(record), let node = NodeID(node), let vector = VersionVector(parsing: vector) else {
            throw PostgresStoreError.corrupt("a log entry of \(table) \(record) that cannot be read")
        }
        return (
            seq,
            FieldChange(
                table: table, record: id, org: org, field: field, value: try PostgresValue.untagged(value),
                hlc: HLCTimestamp(rawValue: hlc), node: node, versionVector: vector)
        )
    }
}
