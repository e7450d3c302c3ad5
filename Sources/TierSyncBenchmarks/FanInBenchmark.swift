import Foundation
import GRDB
import Logging
import TierSyncClient
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncProtocol
import TierSyncStore

/// Many townships pushing to one county hub at once: `clients` simulated township clients,
/// each with its own node credential, each pushing `changes` field changes concurrently to a
/// `tiersync serve` process on loopback. Reports errors, request latency percentiles and the
/// hub's peak memory.
struct FanInBenchmark {
    let clients: Int
    let changes: Int
    let directory: URL
    /// A PostgreSQL server to keep the county hub on, in a database of its own; nil: SQLite.
    var postgres: PostgresAddress? = nil
    /// What sends the pushes: the lean load generator, or the project's own client.
    var client: Client = .raw

    /// The clients' HTTP: `raw` measures the hub; `urlsession` also what the project's client
    /// (libcurl) costs, on the same 2 cores.
    enum Client: String, CaseIterable, Sendable {
        case raw, urlsession
    }

    struct Result {
        let clients: Int
        let changesPerClient: Int
        let errors: Int
        let firstError: String?
        let p50: Double
        let p99: Double
        let seconds: Double
        let hubPeakMB: Double
        /// The group commits that held the pushes, as the hub's `/metrics` counts them,
        /// and the seconds they took together (the hub's one writer was busy that long).
        let transactions: Int
        let committing: Double
        /// CPU seconds the hub process and this one (the clients) used while the pushes ran.
        let hubCPU: Double
        let clientCPU: Double
    }

    func run() async throws -> Result {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        var countyDB = directory.appendingPathComponent("county.db").path
        let credentials: [(node: NodeID, org: String, credential: String)]
        let watcher: String
        let database = try postgres.map { try PostgresScratchDatabase(server: $0) }
        if let database {
            countyDB = database.address.description
            let county = try PostgresHub.create(address: database.address, org: "520201", logger: silent)
            let townships = Self.townships(clients)
            try county.store.write { session in
                for (index, code) in townships.enumerated() {
                    try session.query(
                        "INSERT INTO org_unit (code, parent, name, level, path) VALUES ($1, $2, $3, 'township', $4)",
                        [
                            .text(code), .text(county.hubOrg.code), .text(String(format: "模拟乡镇%04d", index + 1)),
                            .text(county.hubOrg.path + "/" + code),
                        ])
                }
            }
            credentials = try Self.enroll(clients, at: county, seed: 9, townships: townships)
            watcher = try county.addOperator(name: "fan-in").credential
        } else {
            let county = try TierSyncNode.create(path: countyDB, org: "520201", logger: silent)
            credentials = try Self.enroll(clients, at: county, seed: 9, distinct: true)
            watcher = try county.addOperator(name: "fan-in").credential
            try county.store.close()
        }
        let hub = try ServeProcess.start(db: countyDB, log: directory.appendingPathComponent("hub.log"))
        defer { hub.stop() }
        let url = hub.url

        // Each client's page: `changes` fields of new contacts of its township.
        let pages: [(String, PushRequest)] = credentials.map { client in
            let wire = Self.changes(of: client.node, org: client.org, count: changes).map(WireChange.init)
            return (
                client.credential,
                PushRequest(changes: wire, nodes: [client.node.rawValue: client.org], upTo: Int64(changes))
            )
        }
        // Every simulated township has its own connection, as separate PCs would. The bodies
        // are encoded and compressed before the clock starts: on this 2-core machine the
        // clients share the CPU with the hub, and only the hub is measured.
        let headers = [
            (SyncProtocol.versionHeader, String(SyncProtocol.version)), ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
        ]
        let bodies = pages.map { credential, page in
            (headers + [("Authorization", "Bearer \(credential)")], Gzip.compress(PushPageCodec.encode(page)))
        }
        let (hubCPUBefore, clientCPUBefore) = (
            BootstrapBenchmark.cpuSeconds(of: hub.process.processIdentifier), Self.ownCPUSeconds()
        )
        let started = ContinuousClock.now
        let outcomes: [RawHTTPLoad.Outcome]
        switch client {
        case .raw:
            let load = RawHTTPLoad(host: url.host ?? "127.0.0.1", port: url.port ?? 80)
            outcomes = try await load.send(
                bodies.map { headers, body in
                    RawHTTPLoad.request(
                        method: "POST", path: "/v1/push", host: "\(load.host):\(load.port)", headers: headers,
                        body: body)
                })
        case .urlsession:
            outcomes = await Self.send(bodies, to: url.appendingPathComponent("v1/push"), connections: clients)
        }
        let elapsed = Self.seconds(ContinuousClock.now - started)
        let hubCPU = BootstrapBenchmark.cpuSeconds(of: hub.process.processIdentifier) - hubCPUBefore
        let clientCPU = Self.ownCPUSeconds() - clientCPUBefore
        let metrics = try await URLSessionTransport(timeout: 30).send(
            TransportRequest(
                method: "GET", url: url.appendingPathComponent("metrics"),
                headers: ["Authorization": "Bearer \(watcher)"],
                body: nil))
        let exposed = String(decoding: metrics.body, as: UTF8.self).split(separator: "\n")
        func metric(_ name: String) -> Double {
            exposed.first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        let transactions = Int(metric("tiersync_group_commit_pushes_count"))
        let committing = metric("tiersync_group_commit_duration_seconds_sum")
        let latencies = outcomes.map(\.seconds).sorted()
        let errors = outcomes.compactMap(\.failure)
        return Result(
            clients: clients, changesPerClient: changes, errors: errors.count, firstError: errors.first,
            p50: latencies[latencies.count / 2], p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            seconds: elapsed, hubPeakMB: BootstrapBenchmark.peakMB(of: hub.process.processIdentifier),
            transactions: transactions, committing: committing, hubCPU: hubCPU,
            clientCPU: clientCPU)
    }

    func print(_ result: Result) {
        Swift.print(
            "Fan-in: \(result.clients) township clients each pushing \(result.changesPerClient) changes at once to one county hub on \(postgres == nil ? "SQLite" : "PostgreSQL"), sent by \(client == .raw ? "a lean load generator" : "URLSession")\n"
        )
        Swift.print(
            "| clients | changes each | errors | p50 latency s | p99 latency s | all done in s | hub peak MB | hub CPU s | clients' CPU s | transactions | in transactions s |"
        )
        Swift.print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        Swift.print(
            "| \(result.clients) | \(result.changesPerClient) | \(result.errors) | \(String(format: "%.2f", result.p50)) | "
                + "\(String(format: "%.2f", result.p99)) | \(String(format: "%.2f", result.seconds)) | \(String(format: "%.0f", result.hubPeakMB)) | "
                + "\(String(format: "%.2f", result.hubCPU)) | \(String(format: "%.2f", result.clientCPU)) | \(result.transactions) | \(String(format: "%.2f", result.committing)) |"
        )
        if let error = result.firstError { Swift.print("\nfirst error: \(error)") }
    }

    /// What a township's push holds in the fan-in: `count` fields of new contacts of `org`,
    /// four to a contact, made by `node`.
    static func changes(of node: NodeID, org: String, count: Int) -> [FieldChange] {
        let fields = ["role", "name", "phone", "post"]
        var random = SplitMix64(seed: UInt64(bitPattern: Int64(node.rawValue.hashValue)))
        var record = RecordID.random(using: &random)
        return (0..<count).map { i in
            if i % fields.count == 0 { record = RecordID.random(using: &random) }
            let field = fields[i % fields.count]
            let value: FieldValue = field == "role" ? .text("information-officer") : .text("\(field)-\(i)")
            return FieldChange(
                table: "contact", record: record, org: org, field: field, value: value,
                // A new contact is one local write: its fields share one stamp, as a township's log sends them.
                hlc: HLCTimestamp(physical: 1_764_000_000_000 + Int64(i / fields.count), counter: 0), node: node,
                versionVector: VersionVector([node: 1]))
        }
    }

    /// Sends every push at once through URLSession, each township on its own connection.
    static func send(_ bodies: [([(String, String)], [UInt8])], to url: URL, connections: Int) async
        -> [RawHTTPLoad.Outcome]
    {
        let transport = URLSessionTransport(timeout: 120, connectionsPerHost: connections)
        return await withTaskGroup(of: RawHTTPLoad.Outcome.self) { group in
            for (headers, body) in bodies {
                let request = TransportRequest(
                    method: "POST", url: url, headers: Dictionary(uniqueKeysWithValues: headers), body: Data(body))
                group.addTask {
                    let start = ContinuousClock.now
                    do {
                        let response = try await transport.send(request)
                        let failure = response.status == 200 ? nil : "HTTP \(response.status)"
                        return .init(seconds: Self.seconds(ContinuousClock.now - start), failure: failure)
                    } catch {
                        return .init(seconds: Self.seconds(ContinuousClock.now - start), failure: "\(error)")
                    }
                }
            }
            var all: [RawHTTPLoad.Outcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
    }

    /// Enrolls `count` simulated township clients at the county hub `county`, as the hub would
    /// (one code each): spread over four of the county's townships, or, with `distinct`, each
    /// a township of its own, added to the county's org tree as sample units (模拟乡镇0001…).
    static func enroll(_ count: Int, at county: TierSyncNode, seed: UInt64, distinct: Bool) throws
        -> [(node: NodeID, org: String, credential: String)]
    {
        guard distinct else { return try enroll(count, at: county, seed: seed) }
        let townships = Self.townships(count)
        try county.store.write { writer in
            for (index, code) in townships.enumerated() {
                try OrgUnit(
                    code: code, parent: county.org.code, name: String(format: "模拟乡镇%04d", index + 1),
                    level: .township, path: county.org.path + "/" + code, sample: true
                ).insert(writer.db)
            }
        }
        return try enroll(count, at: county, seed: seed, townships: townships)
    }

    /// The codes of `count` sample townships of county 520201 (a township has one node: a
    /// second one enrolled for it replaces the first).
    static func townships(_ count: Int) -> [String] { (1...count).map { String(format: "5202019%05d", $0) } }

    /// Enrolls `count` simulated township clients at `county`, spread over `townships`.
    static func enroll(
        _ count: Int, at county: any SyncHub, seed: UInt64,
        townships: [String] = ["520201011", "520201014", "520201101", "520201102"]
    ) throws -> [(node: NodeID, org: String, credential: String)] {
        var random = SplitMix64(seed: seed)
        return try (0..<count).map { i in
            let org = townships[i % townships.count]
            let node = NodeID.random(using: &random)
            let code = try county.issueEnrollment(for: org, hours: 1).code
            return (node, org, try county.acceptEnrollment(code: code, node: node.rawValue).credential)
        }
    }

    /// CPU seconds this process has used (the simulated clients, in the fan-in).
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
