import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// Compaction on a SQLite node and on a hub on PostgreSQL that hold the same history: the
/// same superseded entries dropped (conflict losers and the newest entry kept), the same
/// unreferenced files freed, and afterwards the same pulls and snapshot for the children.
@Suite(.serialized) struct CompactionConformanceTests {
    @Test("superseded entries and a removed attachment's bytes dropped alike; pulls and state the same after (seeded)")
    func compactionsAgree() throws {
        let seed = Editors.seed()
        var random = SplitMix64(seed: seed)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 60)
        defer { hubs.postgres.store.close() }
        _ = try LocalEditConformanceTests.contestedContact(hubs, random: &random)
        let photo = hubs.editors.folder.appendingPathComponent("现场.jpg").path
        FileManager.default.createFile(atPath: photo, contents: Data((0..<5000).map { UInt8(truncatingIfNeeded: $0) }))
        var compactions: [String] = []
        for hub in hubs.workspaces {
            try RecordEdit.$ids.withValue(RecordIDSource(seed: 19)) {
                let contact = try hub.add(
                    .contact, org: nil, values: ["role": "信息员", "name": "示例·值班", "phone": "13900002001"], id: nil)
                for phone in ["13900002002", "13900002003", "13900002004"] {
                    _ = try hub.set(.contact, id: contact.id.rawValue, values: ["phone": phone])
                }
                let attached = try hub.attach(.contact, id: contact.id.rawValue, file: photo, name: nil)
                try hub.removeAttachment(attached.id)
                let before = try hub.lastSequence()
                let done = try hub.compact()
                #expect(try hub.lastSequence() == before, "\(storeName(hub)): the newest entry stays")
                #expect(try hub.compact().logEntries == 0, "\(storeName(hub)): compacting again drops nothing")
                compactions.append("\(done.logEntries) \(done.files) \(done.fileBytes)")
            }
        }
        #expect(compactions[0] == compactions[1], "seed \(seed): \(compactions)")
        #expect(compactions[0].hasSuffix(" 1 5000"), "the removed photo's bytes: \(compactions[0])")
        #expect(!compactions[0].hasPrefix("0 "), "seed \(seed): nothing was superseded")
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: "seed \(seed), compacted")
        try conformance.expectSamePulls(hubs, context: "seed \(seed), compacted")
    }
}
