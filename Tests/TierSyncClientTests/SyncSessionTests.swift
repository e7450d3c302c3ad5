import Foundation
import GRDB
import Hummingbird
import Logging
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncStore

@testable import TierSyncClient

/// The sync session against a real hub on loopback, through a transport that drops requests
/// on demand: what a cut link does to a push or a pull.
@Suite final class SyncSessionTests {
    /// Passes requests to URLSession, failing the ones whose number is in `failing`.
    final class FlakyTransport: SyncTransport, @unchecked Sendable {
        private let inner = Loopback.transport()
        private let lock = NSLock()
        private var count = 0
        var failing: Set<Int> = []

        func send(_ request: TransportRequest) async throws -> TransportResponse {
            let number = lock.withLock {
                count += 1
                return count
            }
            if lock.withLock({ failing.contains(number) }) { throw URLError(.networkConnectionLost) }
            return try await inner.send(request)
        }

        func failNext(_ offsets: [Int]) { lock.withLock { failing = Set(offsets.map { count + $0 }) } }
    }

    let directory: URL
    let city: TierSyncNode
    let url: URL
    let server: Task<Void, any Error>

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        city = try TierSyncNode.create(
            path: directory.appendingPathComponent("city.db").path, org: "520200", logger: silent)
        (url, server) = await Loopback.serve(HubService(node: city, logger: silent))
    }

    deinit {
        server.cancel()
        try? FileManager.default.removeItem(at: directory)
    }

    func joinCounty(_ transport: FlakyTransport) async throws -> TierSyncNode {
        let code = try city.issueEnrollment(for: "520201").code
        return try await Enrollment.join(
            path: directory.appendingPathComponent("county.db").path, parent: url, code: code, transport: transport
        ).0
    }

    static func contacts(_ node: TierSyncNode, _ count: Int) throws {
        try node.store.write { writer in
            var random = SystemRandomNumberGenerator()
            for i in 0..<count {
                try writer.insert(
                    table: "contact", id: RecordID.random(using: &random), org: node.org.code,
                    fields: ["role": .text("liaison"), "name": .text("示例\(i)"), "phone": .text("13900000001")])
            }
        }
    }

    @Test("a push cut on its second page keeps the rest queued; the next sync sends only what is left")
    func cutPush() async throws {
        defer { server.cancel() }
        let transport = FlakyTransport()
        let county = try await joinCounty(transport)
        try Self.contacts(county, 1_000)  // 3,000 changes: two pages of 2,000
        transport.failNext([3])  // the status check, the first push page, then the second is lost
        await #expect(throws: ClientError.self) { _ = try await SyncSession(node: county, transport: transport).run() }
        #expect(try city.list(.contact).count > 0 && city.list(.contact).count < 1_000)
        #expect(try county.syncStatus().waiting > 0 && county.syncStatus().lastError != nil)
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(summary.pushed < 3_000)  // the first page was not sent again
        #expect(try city.list(.contact).count == 1_000)
        #expect(try county.syncStatus().waiting == 0)
    }

    @Test(
        "a hub whose disk is full refuses the push with 503 saying so, applies none of it, and takes it all once there is room"
    )
    func hubDiskFull() async throws {
        defer { server.cancel() }
        let transport = FlakyTransport()
        let county = try await joinCounty(transport)
        try Self.contacts(county, 600)
        let logBefore = try city.store.lastSequence()
        let pages = try city.store.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        // SQLite's size limit on the hub's connection: the same SQLITE_FULL as a full disk.
        try city.store.read { db in try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)") }
        let error = await #expect(throws: ClientError.self) {
            _ = try await SyncSession(node: county, transport: transport).run()
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("is full"), "\(String(describing: error))")
        #expect(try city.store.lastSequence() == logBefore, "nothing half-applied")
        #expect(try county.syncStatus().waiting == 1_800)
        try city.store.read { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(summary.pushed == 1_800)
        #expect(try city.list(.contact).count == 600)
        #expect(try city.store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }

    /// The machine's clock set wrong by `offset` milliseconds.
    struct SkewedClock: WallClock {
        let offset: Int64
        func nowMilliseconds() -> Int64 { SystemWallClock().nowMilliseconds() + offset }
    }

    static let year: Int64 = 365 * 86_400_000

    @Test(
        "a node a year ahead has its changes refused naming the skew, and its status says its clock is wrong and by how much"
    )
    func clockAhead() async throws {
        defer { server.cancel() }
        let transport = FlakyTransport()
        let path = try await joinCounty(transport).store.path
        let county = try TierSyncNode.open(path: path, wallClock: SkewedClock(offset: Self.year))
        try Self.contacts(county, 1)
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(summary.refused.count == 3 && summary.refused.allSatisfy { $0.contains("ahead of this node's clock") })
        #expect(try city.list(.contact).isEmpty)
        let offset = try #require(try county.syncStatus().clockOffset)
        #expect(offset.isWrong && abs(offset.milliseconds - Self.year) < 60_000, "\(offset)")
        #expect(offset.english == "365 days ahead of the parent's" && offset.chinese == "比上级快 365 天")
    }

    @Test("a node a year behind is accepted, and its edit made on top of the city's wins though its stamp is older")
    func clockBehind() async throws {
        defer { server.cancel() }
        let transport = FlakyTransport()
        let path = try await joinCounty(transport).store.path
        try cityContacts(1)
        let record = try #require(try city.list(.contact).first)
        let county = try TierSyncNode.open(path: path, wallClock: SkewedClock(offset: -Self.year))
        _ = try await SyncSession(node: county, transport: transport).run()
        try county.set(.contact, id: record.id.rawValue, values: ["phone": "13900000099"])
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(summary.refused.isEmpty && summary.conflicts == 0)
        #expect(try city.show(.contact, id: record.id.rawValue)["phone"] == .text("13900000099"))
        #expect(try county.syncStatus().clockOffset?.chinese == "比上级慢 365 天")
    }

    /// The city's own records of the county's scope.
    func cityContacts(_ count: Int) throws {
        try city.store.write { writer in
            var random = SystemRandomNumberGenerator()
            for i in 0..<count {
                try writer.insert(
                    table: "contact", id: RecordID.random(using: &random), org: "520201",
                    fields: ["role": .text("liaison"), "name": .text("示例\(i)"), "phone": .text("13900000001")])
            }
        }
    }

    @Test("a bootstrap cut mid-way resumes from the last snapshot page copied, copying nothing twice")
    func cutSnapshot() async throws {
        defer { server.cancel() }
        try cityContacts(12_000)  // snapshot pages of 5,000, 5,000 and 2,000 records
        let transport = FlakyTransport()
        transport.failNext([4])  // enroll, the status check, the first snapshot page, then the second is lost
        await #expect(throws: ClientError.self) { _ = try await joinCounty(transport) }
        let county = try TierSyncNode.open(path: directory.appendingPathComponent("county.db").path)
        #expect(try county.list(.contact).count == 5_000)
        #expect(try county.cursor(for: "520200").snapshotAfter != nil)
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(try county.list(.contact).count == 12_000)
        #expect(summary.copied == 7_000 && summary.pulled == 0)
        #expect(try county.cursor(for: "520200").receivedSeq == city.store.lastSequence())
        #expect(try county.store.lastSequence() == 0)  // copied records are not logged again
    }

    @Test("a pull cut mid-way resumes from the last page applied, repeating nothing applied")
    func cutPull() async throws {
        defer { server.cancel() }
        let transport = FlakyTransport()
        let county = try await joinCounty(transport)
        try cityContacts(1_500)  // 4,500 changes: pages of 2,000, 2,000 and 500
        transport.failNext([3])  // the status check, the first pull page, then the second is lost
        await #expect(throws: ClientError.self) { _ = try await SyncSession(node: county, transport: transport).run() }
        let partial = try county.list(.contact).count
        #expect(partial > 0 && partial < 1_500)
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(try county.list(.contact).count == 1_500)
        #expect(summary.pulled == 4_500 - 2_000)  // everything but the one page of 2,000 applied before the cut
    }

    @Test("the hub sees how each child keeps up: what it pulled, what waits for it, its open conflicts")
    func childHealth() async throws {
        defer { server.cancel() }
        let transport = FlakyTransport()
        let county = try await joinCounty(transport)
        try cityContacts(3)  // 9 field changes of the county's scope
        var health = try #require(try city.childHealth().first)
        #expect(health.org == "520201" && health.orgName == "钟山区" && health.waitingForChild == 9)
        _ = try await SyncSession(node: county, transport: transport).run()
        try Self.contacts(county, 1)  // the county's own changes never wait for it
        _ = try await SyncSession(node: county, transport: transport).run()
        _ = try await SyncSession(node: county, transport: transport).run()
        health = try #require(try city.childHealth().first)
        #expect(health.waitingForChild == 0 && health.openConflicts == 0)
        #expect(health.pulledByChild == (try city.store.lastSequence()) && health.receivedFromChild > 0)
        #expect(health.lastContact != nil && health.revokedAt == nil)
    }

    @Test("backoff doubles per failure up to its cap, with jitter of up to as much again")
    func backoff() {
        var random = SplitMix64(seed: 1)
        let backoff = Backoff(base: 2, cap: 60)
        #expect(backoff.delay(afterFailures: 0, using: &random) == 0)
        for failures in 1...12 {
            let floor = min(60, 2 * pow(2, Double(failures - 1)))
            for _ in 0..<50 {
                let delay = backoff.delay(afterFailures: failures, using: &random)
                #expect(delay >= floor && delay <= min(60, floor * 2))
            }
        }
    }
}
