import Foundation
import GRDB
import Logging
import TierSyncClient
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// One day of a province's work, synced level by level over the real protocol: township
/// nodes in this process, each a real node on its own SQLite file, enrolled with one of
/// `counties` county hubs; the counties with the city hub; the city with the province. Every
/// hub is `tiersync serve`, its own process, syncing with its parent every `interval` seconds,
/// so that each hub's CPU and memory are its own.
///
/// The day: each township enters three contacts, a progress report and a drill, corrects a
/// contact's phone and issues stock; at the same time its county corrects the same phone (a
/// concurrent edit). The townships then sync at once, and the clock runs until the province
/// holds all of it, the concurrent phones merged the way the township merged them.
struct ProvinceSimulation {
    let counties: Int
    let townshipsPerCounty: Int
    let interval: Double
    let directory: URL
    /// A PostgreSQL server to keep the province on, in a database of its own; nil: SQLite.
    var postgres: PostgresAddress? = nil
    /// With `postgres`, the city hub on it too, in a database of its own.
    var postgresCity = false

    /// Contacts each township enters before the day (the set-up), and during it.
    static let contactsBefore = 4
    static let contactsDuring = 3

    struct Result {
        var townships = 0
        var setupSeconds = 0.0
        /// All townships' syncs of the day, run at once.
        var roundSeconds = 0.0
        /// From the start of the townships' syncs until the province holds the whole day.
        var settleSeconds = 0.0
        var hubs: [HubUsage] = []
        var provinceCounts: [String: Int] = [:]
        var expectedCounts: [String: Int] = [:]
        var phonesMatching = 0
        var provinceConflicts = 0
        /// The province's SQLite file (with its WAL) and its log entries, after the day.
        var provinceBytes = 0
        var provinceLogEntries = 0
        /// With the province on PostgreSQL: its server's CPU over the day.
        var postgresCPUSeconds: Double?
        var errors: [String] = []
    }

    static let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    var silent: Logger { Self.silent }

    func run() async throws -> Result {
        var result = Result()
        let setupStart = ContinuousClock.now
        let seeds = try SeedData.builtIn().adding(units)
        let province: any ProvinceStore =
            try postgres.map { try PostgresProvince(server: $0, seeds: seeds) }
            ?? SQLiteProvince(db: directory.appendingPathComponent("province.db").path)
        let hubs = try await startHubs(seeds: seeds, province: province)
        defer { for hub in hubs { hub.process.stop() } }
        let transport = URLSessionTransport(timeout: 120, connectionsPerHost: 256)
        let townships = try await joinTownships(seeds: seeds, hubs: hubs, transport: transport)
        result.townships = townships.count
        try await everyTownship(townships) { node in
            for i in 0..<Self.contactsBefore {
                _ = try node.add(
                    .contact, values: ["role": "information-officer", "name": "示例·信息员\(i)", "phone": "1390000000\(i)"])
            }
            _ = try node.recordStock(
                .receive,
                .init(
                    item: "帐篷", site: "乡镇应急物资库", quantity: "40", source: "allocation",
                    newItem: ["category": "生活保障类", "unit": "顶"]))
            _ = try await SyncSession(node: node, transport: transport).run()
        }
        try await settle(province, contacts: townships.count * Self.contactsBefore, phones: [:])
        result.setupSeconds = FanInBenchmark.seconds(ContinuousClock.now - setupStart)

        // The day's edits, made offline: each township's, then its county's on the same phone.
        let corrected = try townships.map { node in try Self.dayOfEdits(node) }
        for county in hubs.filter({ $0.level == .county }) {
            let node = try TierSyncNode.open(path: county.path, logger: silent)
            for (township, contact) in zip(townships, corrected) where township.org.parent == node.org.code {
                _ = try node.set(.contact, id: contact, values: ["phone": "13600000000"])
            }
            try node.store.close()
        }
        let before = hubs.map(\.process.usage)
        let serverBefore = postgres == nil ? nil : PostgresProvince.serverCPUSeconds()
        let start = ContinuousClock.now
        try await everyTownship(townships) { node in _ = try await SyncSession(node: node, transport: transport).run() }
        result.roundSeconds = FanInBenchmark.seconds(ContinuousClock.now - start)
        var phones: [String: String] = [:]
        for (node, contact) in zip(townships, corrected) {
            phones[contact] = try node.show(.contact, id: contact)["phone"].textValue
        }
        try await settle(
            province, contacts: townships.count * (Self.contactsBefore + Self.contactsDuring), phones: phones)
        result.settleSeconds = FanInBenchmark.seconds(ContinuousClock.now - start)
        result.hubs = zip(hubs, before).map { hub, before in hub.process.usage.since(before, name: hub.name) }
        result.postgresCPUSeconds = serverBefore.map { PostgresProvince.serverCPUSeconds() - $0 }

        result.provinceCounts = try province.counts(Self.tables)
        let n = townships.count
        result.expectedCounts = [
            "contact": n * (Self.contactsBefore + Self.contactsDuring), "progress_report": n, "drill": n,
            "material_item": n, "stock_event": 2 * n,
        ]
        result.phonesMatching = try province.phones(of: Set(phones.keys)).filter { phones[$0.key] == $0.value }.count
        result.provinceConflicts = try province.openConflicts()
        result.provinceLogEntries = try province.logEntries()
        result.provinceBytes = try province.bytes()
        for node in townships { try node.store.close() }
        return result
    }

    /// The synthetic counties (模拟县01…) under the seeds' city and their townships.
    var units: [OrgUnit] {
        (1...counties).flatMap { c -> [OrgUnit] in
            let county = String(format: "5202%02d", 40 + c)
            let path = "520000/520200/" + county
            return [
                OrgUnit(
                    code: county, parent: "520200", name: String(format: "模拟县%02d", c), level: .county, path: path,
                    sample: true)
            ]
                + (1...townshipsPerCounty).map { t in
                    let code = county + String(format: "%03d", t)
                    return OrgUnit(
                        code: code, parent: county, name: String(format: "模拟县%02d乡镇%03d", c, t), level: .township,
                        path: path + "/" + code, sample: true)
                }
        }
    }

    /// The day's edits at one township, made offline; returns the contact whose phone it corrects.
    static func dayOfEdits(_ node: TierSyncNode) throws -> String {
        // One of the contacts the county has too (entered before the day).
        let first = try node.list(.contact).sorted { $0.id.rawValue < $1.id.rawValue }[0]
        for i in 0..<contactsDuring {
            _ = try node.add(
                .contact, values: ["role": "information-officer", "name": "示例·新信息员\(i)", "phone": "1370000000\(i)"])
        }
        _ = try node.add(.report, values: ["period": "2026-11-H2", "body": "本半月巡查隐患点三处，已整改。"])
        _ = try node.add(
            .drill, values: ["title": "防汛桌面推演", "kind": "tabletop", "held-on": "2026-11-28", "participants": "25"])
        _ = try node.recordStock(.issue, .init(item: "帐篷", site: "乡镇应急物资库", quantity: "5"))
        _ = try node.set(.contact, id: first.id.rawValue, values: ["phone": "13500000000"])
        return first.id.rawValue
    }

    /// Runs `body` for every township, 64 at a time.
    func everyTownship(_ townships: [TierSyncNode], _ body: @escaping @Sendable (TierSyncNode) async throws -> Void)
        async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, node) in townships.enumerated() {
                if index >= 64 { try await group.next() }
                group.addTask { try await body(node) }
            }
            try await group.waitForAll()
        }
    }

    /// Waits until the province holds `contacts` contacts and every phone of `phones`.
    func settle(_ province: any ProvinceStore, contacts: Int, phones: [String: String]) async throws {
        let deadline = ContinuousClock.now + .seconds(1_800)
        while ContinuousClock.now < deadline {
            if try province.counts(["contact"])["contact"] == contacts,
                try province.phones(of: Set(phones.keys)) == phones
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationErrorText("the province did not settle in 30 minutes")
    }

    /// The tables whose records the day makes.
    static let tables = ["contact", "progress_report", "drill", "material_item", "stock_event"]
}
