import Foundation
import GRDB
import Testing
import TierSyncCore

@testable import TierSyncStore

/// The directory of nodes and orgs is kept between transactions only while its token holds:
/// whatever changes a node's org or an org unit, in this process or another, or in a
/// transaction rolled back, is seen at the next read.
@Suite struct DirectoryCacheTests {
    let folder: TemporaryDirectory
    let store: NodeStore
    let peer = NodeID("00000000000000aa")!

    init() throws {
        folder = try TemporaryDirectory()
        store = try TestStore.create(folder.path("county.db"))
    }

    func directory() throws -> PeerDirectory {
        try store.read { db in try store.directories.directory(db) }
    }

    @Test("read once, then kept while nothing changes it")
    func keptWhileUnchanged() throws {
        _ = try directory()
        let loads = store.directories.loads
        for _ in 0..<5 { _ = try directory() }
        try store.write { writer in
            try writer.insert(
                table: "contact", id: RecordID("7f1c2a9e-0b3d-4c5e-8f60-1a2b3c4d5e6f")!, org: TestStore.township,
                fields: ["name": .text("示例·李四")])
        }
        _ = try directory()
        #expect(store.directories.loads == loads, "a record's write read the directory again")
    }

    @Test("a node registered here is seen at once, and forgotten when its transaction rolls back")
    func registeredHereOrRolledBack() throws {
        #expect(try directory().org(ofNode: peer) == nil)
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try store.write { writer in
                try writer.registerNode(peer, org: TestStore.township)
                #expect(try writer.directory().org(ofNode: peer) == TestStore.township)
                throw Abandon()
            }
        }
        #expect(try directory().org(ofNode: peer) == nil, "a rolled-back registration was kept")
        try store.write { writer in try writer.registerNode(peer, org: TestStore.township) }
        #expect(try directory().org(ofNode: peer) == TestStore.township)
    }

    @Test("a node or an org unit written by another process is seen at the next read")
    func writtenElsewhere() throws {
        #expect(try directory().path(ofOrg: "520201102") == nil)
        let other = try DatabaseQueue(path: folder.path("county.db"))
        try other.write { db in
            try db.execute(sql: "INSERT INTO peer_node (id, org) VALUES (?, ?)", arguments: [peer.rawValue, "520201"])
            try OrgUnit(
                code: "520201102", parent: "520201", name: "汪家寨镇", level: .township,
                path: "520000/520200/520201/520201102", sample: true
            ).insert(db)
        }
        try other.close()
        let seen = try directory()
        #expect(seen.org(ofNode: peer) == "520201")
        #expect(seen.path(ofOrg: "520201102") == "520000/520200/520201/520201102")
    }
}
