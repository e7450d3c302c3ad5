import Foundation
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// Several children's pushes applied in one transaction (`acceptAll`): each checked and
/// applied in a savepoint of its own, a refused one rolled back alone.
@Suite final class GroupCommitTests {
    let directory: URL
    let county: TierSyncNode
    let townships: [TierSyncNode]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let folder = directory.path
        county = try TierSyncNode.create(path: folder + "/county.db", org: "520201")
        townships = try ["520201101", "520201102", "520201011"].map {
            try TierSyncNode.create(path: folder + "/\($0).db", org: $0)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A page of `township`'s log as it would push it, sent as `sender`'s.
    func push(of township: TierSyncNode, as sender: TierSyncNode, name: String? = nil) throws -> TierSyncNode.Push {
        _ = try township.add(
            .contact,
            values: ["role": "信息员", "name": name ?? "示例·\(township.org.code)", "phone": "13900000001"])
        var changes: [FieldChange] = []
        let (upTo, senders) = try township.outgoing(to: .parent(county.org), after: 0) { changes.append($0) }
        return .init(
            changes: changes, peer: try county.peer(sender.org.code), peerNode: sender.store.node.id.rawValue,
            nodes: Dictionary(uniqueKeysWithValues: senders.map { ($0.key.rawValue, $0.value) }), upTo: upTo)
    }

    @Test("three pushes in one transaction: the one outside its sender's subtree is refused alone")
    func oneRefused() throws {
        let pushes = [
            try push(of: townships[0], as: townships[0]),
            try push(of: townships[1], as: townships[2]),  // a sibling's records: outside the sender's subtree
            try push(of: townships[2], as: townships[2]),
        ]
        let results = try county.acceptAll(pushes)
        #expect(try results[0].get().applied == pushes[0].changes.count)
        #expect(throws: DomainError.self) { try results[1].get() }
        #expect(try results[2].get().applied == pushes[2].changes.count)
        let names = try county.list(.contact, under: "520201").map { $0["name"].textValue ?? "" }.sorted()
        #expect(names == ["示例·520201011", "示例·520201101"])
        #expect(try county.cursor(for: "520201101").receivedSeq == pushes[0].upTo)
        #expect(try county.cursor(for: "520201011").receivedSeq == pushes[2].upTo)
    }

    @Test("a push that fails while it is written is rolled back alone: the group is applied again, a savepoint each")
    func failsWhileWritten() throws {
        // Nothing a child sends fails only once written, so a trigger stands in for such a
        // failure (a constraint of a later release, say).
        try county.store.write { writer in
            try writer.db.execute(
                sql: """
                    CREATE TRIGGER refuse_boom BEFORE INSERT ON contact WHEN NEW.name = '示例·拒绝'
                    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                    """)
        }
        let pushes = [
            try push(of: townships[0], as: townships[0]),
            try push(of: townships[1], as: townships[1], name: "示例·拒绝"),
            try push(of: townships[2], as: townships[2]),
        ]
        let results = try county.acceptAll(pushes)
        #expect(try results[0].get().applied == pushes[0].changes.count)
        #expect(throws: (any Error).self) { try results[1].get() }
        #expect(try results[2].get().applied == pushes[2].changes.count)
        let names = try county.list(.contact, under: "520201").map { $0["name"].textValue ?? "" }.sorted()
        #expect(names == ["示例·520201011", "示例·520201101"])
        #expect(try county.cursor(for: "520201101").receivedSeq == pushes[0].upTo)
        #expect(try county.cursor(for: "520201102").receivedSeq == 0, "the refused push moved no cursor")
        #expect(try county.cursor(for: "520201011").receivedSeq == pushes[2].upTo)
        let logged = try county.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM change_log_row WHERE org = '520201102'")
        }
        #expect(logged == 0, "nothing of the refused push was logged")
    }
}
