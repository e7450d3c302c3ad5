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

/// The sync session against a hub whose store is PostgreSQL, through a link that drops
/// requests on demand: a cut push or bootstrap loses nothing, doubles nothing, and resumes
/// where it stopped, as against a SQLite hub (`SyncSessionTests`).
@Suite struct PostgresHubSessionTests {
    typealias FlakyTransport = SyncSessionTests.FlakyTransport

    /// A city hub on PostgreSQL, served on loopback, and a folder for its children's files.
    final class Hub {
        let directory: URL
        let database: PostgresScratchDatabase
        let city: PostgresHub
        let url: URL
        let server: Task<Void, any Error>

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tiersync-pgclient-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            database = try PostgresScratchDatabase()
            city = try PostgresHub.create(address: database.address, org: "520200", logger: silent)
            (url, server) = await Loopback.serve(HubService(hub: city, logger: silent))
        }

        /// A county node joined to the hub as a clerk joins one (`Enrollment.join`).
        func join(_ name: String, org: String = "520201", _ transport: FlakyTransport) async throws -> TierSyncNode {
            let code = try city.issueEnrollment(for: org, hours: 1).code
            return try await Enrollment.join(
                path: directory.appendingPathComponent("\(name).db").path, parent: url, code: code,
                transport: transport
            ).0
        }

        /// The hub's live contacts, and how many versions its log holds more than once.
        func contacts() throws -> (live: Int, loggedTwice: Int) {
            let table = try #require(city.store.tables["contact"])
            let live = try city.store.records(of: table).filter { !$0.deleted }.count
            let versions = try city.store.loggedChanges().map { "\($0.record) \($0.field) \($0.node) \($0.hlc)" }
            return (live, versions.count - Set(versions).count)
        }

        deinit {
            server.cancel()
            city.store.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test("a push cut on its second page keeps the rest queued; the next sync sends only what is left, once")
    func cutPush() async throws {
        let hub = try await Hub()
        let transport = FlakyTransport()
        let county = try await hub.join("county", transport)
        try SyncSessionTests.contacts(county, 1_000)  // 3,000 changes: two pages of 2,000
        transport.failNext([3])  // the status check, the first push page, then the second is lost
        await #expect(throws: ClientError.self) { _ = try await SyncSession(node: county, transport: transport).run() }
        let partial = try hub.contacts().live
        #expect(partial > 0 && partial < 1_000)
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(summary.pushed < 3_000)  // the first page was not sent again
        #expect(try hub.contacts() == (1_000, 0))
        #expect(try county.syncStatus().waiting == 0)
    }

    @Test("a new PC's bootstrap cut mid-way resumes from the last snapshot page copied, copying nothing twice")
    func cutSnapshot() async throws {
        let hub = try await Hub()
        let first = try await hub.join("old-pc", FlakyTransport())
        try SyncSessionTests.contacts(first, 12_000)  // snapshot pages of 5,000, 5,000 and 2,000 records
        _ = try await SyncSession(node: first, transport: FlakyTransport()).run()
        let transport = FlakyTransport()
        transport.failNext([4])  // enroll, the status check, the first snapshot page, then the second is lost
        await #expect(throws: ClientError.self) { _ = try await hub.join("new-pc", transport) }
        let county = try TierSyncNode.open(path: hub.directory.appendingPathComponent("new-pc.db").path)
        #expect(try county.list(.contact).count == 5_000)
        let summary = try await SyncSession(node: county, transport: transport).run()
        #expect(try county.list(.contact).count == 12_000)
        #expect(summary.copied == 7_000)
        #expect(try county.store.lastSequence() == 0)  // copied records are not logged again
    }
}
