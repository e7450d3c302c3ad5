import Foundation
import Hummingbird
import Logging
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncPostgres
import TierSyncStore

@testable import TierSyncClient

/// A hub on PostgreSQL syncing with its parent (a SQLite city served on loopback) through a
/// link that drops requests on demand: its bootstrap and its pushes, cut, resume where they
/// stopped, copying and sending nothing twice, as a SQLite node's do (`SyncSessionTests`).
@Suite struct PostgresChildSessionTests {
    typealias FlakyTransport = SyncSessionTests.FlakyTransport

    /// The city, served; a county on PostgreSQL joins it.
    final class City {
        let directory: URL
        let city: TierSyncNode
        let url: URL
        let server: Task<Void, any Error>
        let database: PostgresScratchDatabase
        static let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tiersync-pgchild-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            city = try TierSyncNode.create(
                path: directory.appendingPathComponent("city.db").path, org: "520200", logger: Self.silent)
            database = try PostgresScratchDatabase()
            (url, server) = await Loopback.serve(HubService(node: city, logger: Self.silent))
        }

        /// The county 钟山区 on PostgreSQL, joined as `tiersync join --db postgresql://…` joins it.
        func joinCounty(_ transport: FlakyTransport) async throws -> PostgresHub {
            let code = try city.issueEnrollment(for: "520201").code
            return try await Enrollment.join(parent: url, code: code, transport: transport) { node, org in
                try PostgresHub.create(address: database.address, org: org, nodeID: node, logger: Self.silent)
            }.0
        }

        deinit {
            server.cancel()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test("a bootstrap cut mid-way resumes from the last page copied; meanwhile the hub serves its children nothing")
    func cutBootstrap() async throws {
        let city = try await City()
        // What an earlier county PC sent up: 12,000 contacts, snapshot pages of 5,000, 5,000, 2,000.
        let code = try city.city.issueEnrollment(for: "520201").code
        let old = try await Enrollment.join(
            path: city.directory.appendingPathComponent("old.db").path, parent: city.url, code: code,
            transport: FlakyTransport()
        ).0
        try SyncSessionTests.contacts(old, 12_000)
        _ = try await SyncSession(node: old, transport: FlakyTransport()).run()

        let transport = FlakyTransport()
        transport.failNext([4])  // enroll, the status check, the first snapshot page, then the second is lost
        await #expect(throws: ClientError.self) { _ = try await city.joinCounty(transport) }
        let county = try PostgresHub.open(address: city.database.address, logger: City.silent)
        defer { county.store.close() }
        let table = try #require(county.store.tables["contact"])
        #expect(try county.store.records(of: table).count == 5_000)
        let township = try county.acceptEnrollment(
            code: try county.issueEnrollment(for: "520201101").code, node: "0123456789abcdef")
        let child = try county.authenticate(credential: township.credential)
        #expect(throws: DomainError.self, "a child is not served a half-copied scope") {
            try county.pullPage(for: child, after: 0, limit: 10) { _ in }
        }
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(summary.copied == 7_000)
        #expect(try county.store.records(of: table).count == 12_000)
        #expect(try county.lastSequence() == 0, "copied records are not logged, so none goes back up")
        #expect(try county.cursor(for: "520200").snapshotPosition == nil)
        var snapshot = 0
        _ = try county.snapshot(for: try county.peer("520201101"), after: nil, limit: 10) {
            _ in snapshot += 1
        }
        #expect(snapshot == 0, "the township's scope holds none of the county's own contacts")
    }

    @Test("a push cut on its second page keeps the rest queued; the next sync sends only what is left, once")
    func cutPush() async throws {
        let city = try await City()
        let transport = FlakyTransport()
        let county = try await city.joinCounty(transport)
        defer { county.store.close() }
        // 1,000 contacts a township pushed to the county: 3,000 changes, two pages of 2,000 up.
        let township = try TierSyncNode.create(
            path: city.directory.appendingPathComponent("township.db").path, org: "520201101", logger: City.silent)
        try SyncSessionTests.contacts(township, 1_000)
        var changes: [FieldChange] = []
        let (upTo, senders) = try township.outgoing(to: try township.peer("520201"), after: 0) { changes.append($0) }
        _ = try county.accept(
            changes, from: try county.peer("520201101"), peerNode: township.store.node.id.rawValue,
            nodes: Dictionary(uniqueKeysWithValues: senders.map { ($0.key.rawValue, $0.value) }), upTo: upTo)
        #expect(try county.syncStatus(openConflicts: 0).waiting == 3_000)

        transport.failNext([3])  // the status check, the first push page, then the second is lost
        await #expect(throws: ClientError.self) { _ = try await SyncSession(node: county, transport: transport).run() }
        let partial = try city.city.list(.contact).count
        #expect(partial > 0 && partial < 1_000)
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(summary.pushed < 3_000)  // the first page was not sent again
        #expect(try city.city.list(.contact).count == 1_000)
        #expect(try county.syncStatus(openConflicts: 0).waiting == 0)
        let attempts = try county.syncAttempts(limit: 5)
        #expect(attempts.map(\.ok).prefix(2) == [true, false], "the cut attempt and the one that resumed are recorded")
    }

    @Test("a township's file goes up through a county on PostgreSQL to the city, and a file the city shares comes down")
    func filesBothWays() async throws {
        let city = try await City()
        let county = try await city.joinCounty(FlakyTransport())
        defer { county.store.close() }
        let (countyURL, server) = await Loopback.serve(HubService(hub: county, logger: City.silent))
        defer { server.cancel() }
        let township = try await Enrollment.join(
            path: city.directory.appendingPathComponent("township.db").path, parent: countyURL,
            code: try county.issueEnrollment(for: "520201101", hours: 1).code, transport: FlakyTransport()
        ).0
        func file(_ name: String, size: Int, seed: UInt64) -> String {
            var random = SplitMix64(seed: seed)
            let path = city.directory.appendingPathComponent(name).path
            FileManager.default.createFile(
                atPath: path, contents: Data((0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }))
            return path
        }
        let plan = ["title": "示例·防汛应急预案", "level": "grassroots", "status": "published"]

        // Up: three chunks, township → county on PostgreSQL → city.
        let source = file("预案.pdf", size: (2 << 20) + 123, seed: 1)
        let attachment = try township.attach(.plan, id: try township.add(.plan, values: plan).id.rawValue, file: source)
        #expect(try await SyncSession(node: township, transport: FlakyTransport()).run().filesSent == 1)
        #expect(try county.blobsToSendUp().map(\.sha256) == [attachment.sha256])
        let up = try await SyncSession(node: county, transport: FlakyTransport()).run()
        #expect(up.filesSent == 1 && up.fileBytes == (2 << 20) + 123 && up.fileProblems.isEmpty)
        #expect(try county.blobsToSendUp().isEmpty, "the city said it has the whole file")
        let atCity = city.directory.appendingPathComponent("at-city.pdf").path
        try city.city.saveAttachment(attachment.id, to: atCity)
        #expect(FileManager.default.contentsEqual(atPath: source, andPath: atCity))

        // Down: a file the city shares with its subtree is fetched by the county.
        let shared = try city.city.add(.plan, values: plan.merging(["level": "overall", "share": "subtree"]) { $1 })
        let cityFile = try city.city.attach(.plan, id: shared.id.rawValue, file: file("市.pdf", size: 1 << 20, seed: 2))
        let down = try await SyncSession(node: county, transport: FlakyTransport()).run()
        #expect(down.filesFetched == 1 && down.fileProblems.isEmpty)
        #expect(try county.blob(cityFile.sha256)?.complete == true && county.blobsWanted().isEmpty)
    }

    @Test("of two processes serving one hub, one syncs with the parent at a time")
    func oneSyncAtATime() async throws {
        let city = try await City()
        let county = try await city.joinCounty(FlakyTransport())
        defer { county.store.close() }
        let other = try PostgresHub.open(address: city.database.address, logger: City.silent)
        defer { other.store.close() }
        let inner = try await county.syncingAlone(wait: false) {
            try await other.syncingAlone(wait: false) { "the other process synced too" }
        }
        #expect(inner == .some(nil), "the second claim returned at once, without syncing")
        #expect(try await other.syncingAlone(wait: true) { 1 } == 1, "the claim ends with the first sync")
    }
}
