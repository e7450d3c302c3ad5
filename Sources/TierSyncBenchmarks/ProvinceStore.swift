import Foundation
import GRDB
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// What the province simulation reads of the province hub after the day, on either store.
protocol ProvinceStore {
    /// `--db` for its `tiersync serve`.
    var db: String { get }
    /// Issues a code for the child org `org` (the city).
    func issueEnrollment(for org: String) throws -> String
    /// Live records of each table.
    func counts(_ tables: [String]) throws -> [String: Int]
    /// The phone of each contact of `ids` that is here.
    func phones(of ids: Set<String>) throws -> [String: String]
    func openConflicts() throws -> Int
    func logEntries() throws -> Int
    /// The bytes the store takes: the SQLite file with its WAL, or the PostgreSQL database.
    func bytes() throws -> Int
}

/// The province as a SQLite file, opened once (the settle loop asks every 200 ms).
final class SQLiteProvince: ProvinceStore {
    let db: String
    private var opened: TierSyncNode?

    init(db: String) { self.db = db }

    deinit { try? opened?.store.close() }

    /// The province's node, opened at the first question (after `tiersync init` made it).
    func node() throws -> TierSyncNode {
        if let opened { return opened }
        let node = try TierSyncNode.open(path: db, logger: ProvinceSimulation.silent)
        opened = node
        return node
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try node().store.read(body) }

    func issueEnrollment(for org: String) throws -> String {
        try node().issueEnrollment(for: org, hours: 4).code
    }

    func counts(_ tables: [String]) throws -> [String: Int] {
        try read { db in
            try Dictionary(
                uniqueKeysWithValues: tables.map {
                    ($0, try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0) WHERE deleted = 0") ?? 0)
                })
        }
    }

    func phones(of ids: Set<String>) throws -> [String: String] {
        try read { db in
            var found: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, phone FROM contact") where ids.contains(row[0]) {
                found[row[0]] = row[1]
            }
            return found
        }
    }

    func openConflicts() throws -> Int { try node().conflicts().count }

    func logEntries() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM change_log") ?? 0 }
    }

    func bytes() throws -> Int {
        [db, db + "-wal"].reduce(0) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
    }
}

/// The province as a PostgreSQL database of its own on a server, dropped afterwards.
struct PostgresProvince: ProvinceStore {
    let database: PostgresScratchDatabase
    let hub: PostgresHub
    var db: String { database.address.description }

    init(server: PostgresAddress, seeds: SeedData) throws {
        database = try PostgresScratchDatabase(server: server)
        hub = try PostgresHub.create(
            address: database.address, org: "520000", seeds: seeds, logger: ProvinceSimulation.silent)
    }

    func issueEnrollment(for org: String) throws -> String { try hub.issueEnrollment(for: org, hours: 4).code }

    func value(_ sql: String) throws -> Int {
        try hub.store.withSession { Int(try $0.query(sql).first?.decode(Int64.self) ?? 0) }
    }

    func counts(_ tables: [String]) throws -> [String: Int] {
        try Dictionary(
            uniqueKeysWithValues: tables.map { ($0, try value("SELECT count(*) FROM \($0) WHERE deleted = 0")) })
    }

    func phones(of ids: Set<String>) throws -> [String: String] {
        try hub.store.withSession { session in
            var found: [String: String] = [:]
            for row in try session.query("SELECT id, phone FROM contact") {
                let (id, phone) = try row.decode((String, String?).self)
                if ids.contains(id) { found[id] = phone }
            }
            return found
        }
    }

    func openConflicts() throws -> Int { try value("SELECT count(*) FROM conflict WHERE settled_hlc IS NULL") }
    func logEntries() throws -> Int { try value("SELECT count(*) FROM change_log") }
    func bytes() throws -> Int { try value("SELECT pg_database_size(current_database())") }
}

extension PostgresProvince {
    /// The CPU seconds used so far by every process named `postgres` on this machine: the
    /// server and its backends, the share of the province's work that the hub process does
    /// not count.
    static func serverCPUSeconds() -> Double {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).reduce(0) { total, pid in
            let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix("postgres") ? total + BootstrapBenchmark.cpuSeconds(of: pid) : total
        }
    }
}
