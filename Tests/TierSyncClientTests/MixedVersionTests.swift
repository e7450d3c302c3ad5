import Foundation
import GRDB
import Logging
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncProtocol
import TierSyncStore

@testable import TierSyncClient

/// A township and a city one release ahead of the county between them, over HTTP on
/// loopback: the later release's new field and new record kind go through the county kept
/// opaque (shown nowhere there), reach the city and come back down unchanged, and the county
/// applies them once it is upgraded.
@Suite final class MixedVersionTests {
    /// The release to come: a new field of contacts, and a new kind of record.
    static let later: [SchemaMigration] = [
        (
            "9001_later_release",
            """
            ALTER TABLE contact ADD COLUMN email TEXT;
            CREATE TABLE hazard_site (
                id TEXT NOT NULL PRIMARY KEY, org TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0, versions TEXT NOT NULL DEFAULT '', name TEXT, risk TEXT);
            INSERT INTO synced_table (name) VALUES ('hazard_site');
            """
        )
    ]

    let directory: URL
    let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    var servers: [Task<Void, any Error>] = []

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-mixed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        for server in servers { server.cancel() }
        try? FileManager.default.removeItem(at: directory)
    }

    func serve(_ node: TierSyncNode, protocols: ClosedRange<Int> = SyncProtocol.supported) async throws -> URL {
        let (url, server) = await Loopback.serve(HubService(node: node, logger: silent, protocols: protocols))
        servers.append(server)
        return url
    }

    /// A node of `org` joined to `parent`, of the later release when `later`.
    func join(_ org: String, to parent: TierSyncNode, at url: URL, later: Bool) async throws -> TierSyncNode {
        let code = try parent.issueEnrollment(for: org).code
        let path = directory.path + "/\(org).db"
        let node = try await Enrollment.join(path: path, parent: url, code: code, transport: Loopback.transport()).0
        guard later else { return node }
        try node.store.close()
        return try TierSyncNode.open(path: path, logger: silent, laterMigrations: Self.later)
    }

    func sync(_ node: TierSyncNode) async throws {
        _ = try await SyncSession(node: node, transport: Loopback.transport()).run()
    }

    func value(_ node: TierSyncNode, _ table: String, _ id: RecordID, _ field: String) throws -> String? {
        try node.store.read { db in
            try String.fetchOne(db, sql: "SELECT \(field) FROM \(table) WHERE id = ?", arguments: [id.rawValue])
        }
    }

    @Test("a new field and a new kind cross an older county both ways unchanged, and apply there once it upgrades")
    func throughAnOlderCounty() async throws {
        let city = try TierSyncNode.create(
            path: directory.path + "/city.db", org: "520200", logger: silent, laterMigrations: Self.later)
        let county = try await join("520201", to: city, at: try await serve(city), later: false)
        let township = try await join("520201101", to: county, at: try await serve(county), later: true)

        var random = SystemRandomNumberGenerator()
        let contact = RecordID.random(using: &random), site = RecordID.random(using: &random)
        try township.store.write { writer in
            try writer.insert(
                table: "contact", id: contact, org: "520201101",
                fields: [
                    "role": .text("information-officer"), "name": .text("示例·王一"), "phone": .text("13900000001"),
                    "email": .text("wang@example.org"),
                ])
            try writer.insert(
                table: "hazard_site", id: site, org: "520201101",
                fields: ["name": .text("示例·滑坡隐患点"), "risk": .text("high")])
        }
        try await sync(township)
        // The county keeps what it does not know, and shows it nowhere.
        #expect(try county.show(.contact, id: contact.rawValue)["name"] == .text("示例·王一"))
        #expect(
            county.store.tables["hazard_site"] == nil && county.store.tables["contact"]?.field(named: "email") == nil)
        let later = try township.store.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM change_log WHERE field = 'email' OR tbl = 'hazard_site'")
        }
        #expect(later == 3)
        #expect(try county.store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM opaque_change") } == later)
        try county.store.compactLog()  // compaction keeps them: all of them still go up below

        try await sync(county)
        #expect(try value(city, "contact", contact, "email") == "wang@example.org")
        #expect(try value(city, "hazard_site", site, "risk") == "high")

        // The city corrects both; the corrections come down through the county.
        try city.store.write { writer in
            try writer.update(table: "contact", id: contact, fields: ["email": .text("wang.yi@example.org")])
            try writer.update(table: "hazard_site", id: site, fields: ["risk": .text("medium")])
        }
        try await sync(county)
        try await sync(township)
        #expect(try value(township, "contact", contact, "email") == "wang.yi@example.org")
        #expect(try value(township, "hazard_site", site, "risk") == "medium")

        // A township of the later release that joins the county now gets the field too: the
        // county's snapshot carries what it keeps opaque in that township's scope.
        let other = RecordID.random(using: &random)
        try city.store.write { writer in
            try writer.insert(
                table: "contact", id: other, org: "520201102",
                fields: [
                    "role": .text("information-officer"), "name": .text("示例·李二"), "phone": .text("13900000002"),
                    "email": .text("li@example.org"),
                ])
        }
        try await sync(county)
        let newcomer = try await join("520201102", to: county, at: try await serve(county), later: true)
        try await sync(newcomer)
        #expect(try value(newcomer, "contact", other, "email") == "li@example.org")
        #expect(try value(newcomer, "contact", contact, "email") == nil, "a sibling's record stays out")

        // The county upgrades: what it kept applies, the latest of each field shown.
        try county.store.close()
        let upgraded = try TierSyncNode.open(
            path: directory.path + "/520201.db", logger: silent, laterMigrations: Self.later)
        #expect(try value(upgraded, "contact", contact, "email") == "wang.yi@example.org")
        #expect(try value(upgraded, "hazard_site", site, "name") == "示例·滑坡隐患点")
        #expect(try value(upgraded, "hazard_site", site, "risk") == "medium")
        #expect(try upgraded.store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM opaque_change") } == 0)
    }

    @Test("a client speaking versions 1 and 2 settles on 1 with a hub of version 1, and syncs")
    func negotiatesDown() async throws {
        let city = try TierSyncNode.create(path: directory.path + "/city.db", org: "520200", logger: silent)
        let url = try await serve(city)
        let county = try await join("520201", to: city, at: url, later: false)
        let link = try #require(try county.parentLink())
        let client = ParentClient(
            baseURL: url, credential: link.credential, transport: Loopback.transport(), protocols: 1...2)
        #expect(client.protocolVersion == 2)
        let status = try await client.status()
        #expect(status.protocolVersion == 1 && client.protocolVersion == 1)
        #expect(try await client.pull(after: 0, limit: 10).more == false, "later requests go in version 1 at once")
    }

    @Test("with no version in common the refusal names both and the side to upgrade, either way")
    func noCommonVersion() async throws {
        let city = try TierSyncNode.create(path: directory.path + "/city.db", org: "520200", logger: silent)
        let url = try await serve(city)
        let county = try await join("520201", to: city, at: url, later: false)
        let credential = try #require(try county.parentLink()).credential
        let newerHub = try await serve(city, protocols: 2...3)
        do {
            _ = try await ParentClient(baseURL: newerHub, credential: credential, transport: Loopback.transport())
                .status()
            Issue.record("a version-1 client and a hub of versions 2 to 3 share no version")
        } catch let error as ClientError {
            #expect("\(error)".contains("version 1 and the parent hub version 2-3"), "\(error)")
            #expect("\(error)".contains("upgrade tiersync on this node"))
        }
        do {
            _ = try await ParentClient(
                baseURL: url, credential: credential, transport: Loopback.transport(), protocols: 2...2
            ).status()
            Issue.record("a version-2 client and a hub of version 1 share no version")
        } catch let error as ClientError {
            #expect("\(error)".contains("upgrade tiersync on the parent hub"), "\(error)")
        }
    }
}
