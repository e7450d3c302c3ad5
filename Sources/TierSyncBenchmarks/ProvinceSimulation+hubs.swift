import Foundation
import TierSyncClient
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// The simulated province's hubs, each `tiersync serve` in a process of its own, and its
/// townships, enrolled as a clerk enrolls one (`Enrollment.join`).
extension ProvinceSimulation {
    struct Hub {
        let name: String
        let level: OrgUnit.Level
        /// Its SQLite file, or its database's URL.
        let path: String
        let process: ServeProcess
        /// The city's database, when it is on PostgreSQL (dropped with the last reference).
        var database: PostgresScratchDatabase? = nil
    }

    /// The province, the city and the counties, in that order, each enrolled with its parent
    /// and syncing with it every `interval` seconds.
    func startHubs(seeds: SeedData, province: any ProvinceStore) async throws -> [Hub] {
        let countyCodes = units.filter { $0.level == .county }.map(\.code)
        var hubs: [Hub] = []
        var parent: (issue: (String) throws -> String, url: URL)?
        var cityDatabase: PostgresScratchDatabase?
        var cityHub: PostgresHub?
        defer { cityHub?.store.close() }
        for (name, org, level) in [("province", "520000", OrgUnit.Level.province), ("city", "520200", .city)]
            + countyCodes.map({ ($0, $0, OrgUnit.Level.county) })
        {
            var path = directory.appendingPathComponent("\(name).db").path
            var arguments: [String] = []
            if level == .province {
                path = province.db
                if province is SQLiteProvince {
                    try TierSyncNode.create(path: path, org: org, seeds: seeds, logger: silent).store.close()
                }
            } else if level == .city, postgresCity, let server = postgres, let parent {
                // The city on PostgreSQL too, joined as `tiersync join --db postgresql://…` joins.
                let database = try PostgresScratchDatabase(server: server)
                let silent = self.silent
                cityHub = try await Enrollment.join(parent: parent.url, code: try parent.issue(org)) { node, org in
                    try PostgresHub.create(
                        address: database.address, org: org, seeds: seeds, nodeID: node, logger: silent)
                }.0
                (path, cityDatabase) = (database.address.description, database)
                arguments = ["--sync-interval", String(interval)]
            } else if let parent {
                let node = try TierSyncNode.create(path: path, org: org, seeds: seeds, logger: silent)
                _ = try await Enrollment.join(node: node, parent: parent.url, code: try parent.issue(org))
                arguments = ["--sync-interval", String(interval)]
                try node.store.close()
            }
            let process = try ServeProcess.start(
                db: path, log: directory.appendingPathComponent("\(name).log"), arguments: arguments)
            hubs.append(
                Hub(
                    name: name, level: level, path: path, process: process,
                    database: level == .city ? cityDatabase : nil))
            // The counties all join the city; the city joins the province.
            if level == .province {
                parent = (province.issueEnrollment(for:), process.url)
            } else if level == .city, let cityHub {
                parent = ({ try cityHub.issueEnrollment(for: $0, hours: 4).code }, process.url)
            } else if level == .city {
                let silent = self.silent
                parent = (
                    { org in
                        let city = try TierSyncNode.open(path: path, logger: silent)
                        defer { try? city.store.close() }
                        return try city.issueEnrollment(for: org, hours: 4).code
                    }, process.url
                )
            }
        }
        return hubs
    }

    /// Every county's townships as nodes of their own, enrolled with it and bootstrapped.
    func joinTownships(seeds: SeedData, hubs: [Hub], transport: any SyncTransport) async throws -> [TierSyncNode] {
        var joins: [(org: String, parent: URL, code: String)] = []
        for hub in hubs where hub.level == .county {
            let county = try TierSyncNode.open(path: hub.path, logger: silent)
            for unit in units where unit.parent == county.org.code {
                joins.append((unit.code, hub.process.url, try county.issueEnrollment(for: unit.code, hours: 4).code))
            }
            try county.store.close()
        }
        let folder = directory.appendingPathComponent("townships")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let silent = self.silent
        return try await withThrowingTaskGroup(of: (Int, TierSyncNode).self) { group in
            var nodes: [Int: TierSyncNode] = [:]
            for (index, join) in joins.enumerated() {
                if index >= 64, let (done, node) = try await group.next() { nodes[done] = node }
                group.addTask {
                    let node = try TierSyncNode.create(
                        path: folder.appendingPathComponent("\(join.org).db").path, org: join.org, seeds: seeds,
                        logger: silent)
                    _ = try await Enrollment.join(
                        node: node, parent: join.parent, code: join.code, transport: transport)
                    return (index, node)
                }
            }
            for try await (done, node) in group { nodes[done] = node }
            return joins.indices.map { nodes[$0]! }
        }
    }
}

/// What a process used: CPU seconds (user and system) and its peak resident memory.
struct ProcessUsage {
    let cpuSeconds: Double
    let peakMB: Double

    /// Read from `/proc/PID/stat` and `/proc/PID/status`.
    init(pid: Int32) {
        cpuSeconds = BootstrapBenchmark.cpuSeconds(of: pid)
        peakMB = BootstrapBenchmark.peakMB(of: pid)
    }
}

/// A hub's CPU over the day, and its peak memory over the whole run.
struct HubUsage {
    let name: String
    let cpuSeconds: Double
    let peakMB: Double
}

extension ServeProcess {
    var usage: ProcessUsage { ProcessUsage(pid: process.processIdentifier) }
}

extension ProcessUsage {
    func since(_ earlier: ProcessUsage, name: String) -> HubUsage {
        HubUsage(name: name, cpuSeconds: cpuSeconds - earlier.cpuSeconds, peakMB: peakMB)
    }
}
