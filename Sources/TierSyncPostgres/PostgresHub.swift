import Foundation
import Logging
import PostgresNIO
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// A hub that serves its children from PostgreSQL: what `tiersync serve --db postgresql://…`
/// runs, as one process or several over one database. The protocol's rules are the SQLite
/// node's (`ExchangeRules`, the enrollment and credential checks of `TierSyncNode`); only the
/// statements differ.
///
/// ```swift
/// let hub = try PostgresHub.create(address: address, org: "520000")
/// let code = try hub.issueEnrollment(for: "520200")       // for the city's `tiersync join`
/// let app = HubService(hub: hub).application(host: "0.0.0.0", port: 8080)
/// ```
///
/// Writes (pushes, enrollments) hold the store's writer lock (`PostgresStore.write`), so that
/// processes sharing the database apply them one transaction at a time; reads (pulls,
/// snapshots, status) take none and run in one `REPEATABLE READ` snapshot each.
public final class PostgresHub: SyncHub {
    public let store: PostgresStore
    public let hubOrg: OrgUnit
    let rules: ExchangeRules
    /// The reference vocabulary (the names shown for keys), read as the hub opened.
    public let vocabulary: Vocabulary
    /// The person this handle writes for (`acting(as:within:)`), named in the history of
    /// what they write; nil for the hub itself (the command line).
    public let author: Author?
    /// Where this handle may write: the hub's subtree, or the acting person's part of it.
    let writeScope: OrgUnit

    public var hubNode: NodeID { store.node }
    /// As many as on SQLite: a group takes no savepoints unless a push fails while written,
    /// and then is applied again in parts of `savepointLimit` (1,000 pushes at once wait 0.2 s
    /// less at p99 than in groups of 64; BENCHMARKS.md, issue 13).
    public var groupLimit: Int { 256 }
    /// The most savepoints one transaction takes: each is a subtransaction, and past 64 of
    /// them PostgreSQL's per-transaction cache overflows and every concurrent reader's
    /// snapshot slows down.
    static let savepointLimit = 64
    public var wallClock: any WallClock { store.wallClock }

    init(store: PostgresStore) throws {
        self.store = store
        guard let org = try store.withSession({ try Self.orgUnit(store.org, $0) }) else {
            throw PostgresStoreError.corrupt("no org unit \(store.org) for its own node")
        }
        hubOrg = org
        rules = ExchangeRules(org: org, tables: store.tables)
        vocabulary = try store.withSession { try Vocabulary.read($0) }
        (author, writeScope) = (nil, org)
    }

    /// The same hub, writing for `author` inside `scope`, as `TierSyncNode.acting` does.
    private init(_ hub: PostgresHub, author: Author, scope: OrgUnit) {
        (store, hubOrg, rules, vocabulary) = (hub.store, hub.hubOrg, hub.rules, hub.vocabulary)
        (self.author, writeScope) = (author, hub.hubOrg.contains(scope) ? scope : hub.hubOrg)
    }

    /// The same hub, writing for `author` inside `scope` (their org's subtree, at or below the
    /// hub's): what it writes is attributed to them, and a write outside `scope` is refused.
    public func acting(as author: Author, within scope: OrgUnit) -> PostgresHub {
        PostgresHub(self, author: author, scope: scope)
    }

    /// Who writes through this handle, as decisions and receipts name them.
    var actorName: String { author?.name ?? hubOrg.name }

    /// Who settles a conflict through this handle, for the conflict's history.
    var who: String {
        author.map { "by \($0.name) (\($0.login)) on node \(hubNode)" } ?? "by node \(hubNode)"
    }

    /// Makes a new hub for org unit `org` in the empty database at `address`, with the org
    /// units of `seeds`.
    public static func create(
        address: PostgresAddress, org: String, seeds: SeedData? = nil, nodeID: NodeID? = nil,
        wallClock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "tiersync.postgres")
    ) throws -> PostgresHub {
        let seeds = try seeds ?? SeedData.builtIn()
        guard seeds.orgs.contains(where: { $0.code == org }) else {
            throw DomainError.invalidValue(
                field: "org", value: org, allowed: "the code of an org unit in the seeds (see seeds/orgs.csv)")
        }
        var random = SystemRandomNumberGenerator()
        return try PostgresHub(
            store: try PostgresStore.create(
                address: address, org: org, orgs: seeds.orgs, vocabulary: seeds.vocabulary,
                nodeID: nodeID ?? NodeID.random(using: &random),
                policies: RecordKind.mergePolicies, wallClock: wallClock, logger: logger))
    }

    /// Opens the hub at `address`.
    public static func open(
        address: PostgresAddress, wallClock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "tiersync.postgres")
    ) throws -> PostgresHub {
        try PostgresHub(
            store: try PostgresStore.open(
                address: address, policies: RecordKind.mergePolicies, wallClock: wallClock, logger: logger,
                vocabulary: { try SeedData.builtIn().vocabulary }))
    }

    public func readingRecords<T>(_ body: (any SQLReader) throws -> T) throws -> T {
        try store.read { session in try body(session) }
    }

    /// Every process has connections of its own: a grouping holds one of them only.
    public func readingReports<T>(_ body: (any SQLReader) throws -> T) throws -> T { try readingRecords(body) }

    public func peer(_ code: String) throws -> TierSyncNode.Peer {
        try store.withSession { session in try relation(to: code, session) }
    }

    func relation(to code: String, _ session: PostgresSession) throws -> TierSyncNode.Peer {
        guard let unit = try Self.orgUnit(code, session) else { throw DomainError.unknownOrg(code) }
        return try relation(of: unit, session)
    }

    /// What `unit` is to this hub: its parent or one of its children.
    func relation(of unit: OrgUnit, _ session: PostgresSession) throws -> TierSyncNode.Peer {
        try TierSyncNode.relation(of: unit, to: hubOrg) {
            try session.query("SELECT code FROM org_unit WHERE parent = $1 ORDER BY code", [.text(hubOrg.code)])
                .map { try $0.decode(String.self) }
        }
    }

    static func orgUnit(_ code: String, _ session: PostgresSession) throws -> OrgUnit? {
        try session.query("SELECT code, parent, name, level, path FROM org_unit WHERE code = $1", [.text(code)])
            .first.map(orgUnit)
    }

    /// The org units of `codes` that exist, by code, in one query.
    static func orgUnits(_ codes: Set<String>, _ session: PostgresSession) throws -> [String: OrgUnit] {
        guard !codes.isEmpty else { return [:] }
        return try session.query(
            "SELECT code, parent, name, level, path FROM org_unit WHERE code IN (SELECT jsonb_array_elements_text(CAST($1 AS jsonb)))",
            [SQLDialect.jsonList(codes.sorted())]
        ).reduce(into: [:]) { units, row in
            let unit = try orgUnit(row)
            units[unit.code] = unit
        }
    }

    /// A row of `code, parent, name, level, path`.
    static func orgUnit(_ row: PostgresRow) throws -> OrgUnit {
        let (code, parent, name, level, path) = try row.decode((String, String?, String, String, String).self)
        guard let level = OrgUnit.Level(rawValue: level) else {
            throw PostgresStoreError.corrupt("org unit \(code) of level \(level)")
        }
        return OrgUnit(code: code, parent: parent, name: name, level: level, path: path, sample: false)
    }

    public func status(for child: ChildNode) throws -> HubStatus {
        try store.read { session in
            let (id, since) = try Self.epoch(session)
            let received =
                try session.query("SELECT received_seq FROM peer_cursor WHERE org = $1", [.text(child.org)]).first?
                .decode(Int64.self) ?? 0
            return HubStatus(
                lastSequence: try store.lastSequence(session), receivedFromYou: received, epoch: id, epochSince: since)
        }
    }
}

extension PostgresHub {
    /// Writes every record the hub holds (or those of `table`) as `tiersync export --format
    /// json` does for a SQLite node, read a page at a time in one snapshot.
    public func exportJSON(table: String? = nil, emit: (String) throws -> Void) throws {
        let tables = try TierSyncNode.exportTables(table, of: store.tables)
        // `emit` goes into the record walk, within the read.
        try withoutActuallyEscaping(emit) { emit in
            try store.read { session in
                try TierSyncNode.exportJSON(tables, emit: emit) { table, body in
                    try Self.forEachRecord(of: table, session, body)
                }
            }
        }
    }

    /// Writes one table as CSV, as a SQLite node's `exportCSV` does.
    public func exportCSV(table name: String?, emit: (String) throws -> Void) throws {
        let table = try TierSyncNode.csvTable(name, of: store.tables)
        try store.read { session in
            try TierSyncNode.exportCSV(table, emit: emit) { table, body in
                try Self.forEachRecord(of: table, session, body)
            }
        }
    }

    /// Streams the records of `table` by id, tombstones included, a page at a time.
    static func forEachRecord(
        of table: SyncedTable, _ session: PostgresSession, _ body: (StoredRecord) throws -> Void
    ) throws {
        var after = ""
        while true {
            let rows = try session.query(
                "SELECT \(PostgresMergeStorage.columns(table)) FROM \(table.name) WHERE id > $1 COLLATE \"C\""
                    + " ORDER BY id COLLATE \"C\" LIMIT \(Self.exportPage)", [.text(after)])
            for row in rows {
                let record = try PostgresMergeStorage.record(table, row)
                try body(record)
                after = record.id.rawValue
            }
            if rows.count < Self.exportPage { break }
        }
    }

    /// Records read per query by `exportJSON`.
    static let exportPage = 2_000
}
