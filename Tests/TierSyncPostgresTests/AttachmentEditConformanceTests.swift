import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// Files a hub attaches to records itself (the province's directive with its document), on a
/// SQLite node and on a hub on PostgreSQL: the same attachments, bytes stored once and read
/// back whole, the same removals and refusals, and the same log for the children to pull.
@Suite(.serialized) struct AttachmentEditConformanceTests {
    @Test("a document of three chunks and a photo attached twice, saved, removed, refused alike: both stores agree")
    func attachmentsAgree() throws {
        var random = SplitMix64(seed: 41)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        _ = try LocalEditConformanceTests.contestedContact(hubs, random: &random)
        let folder = hubs.editors.folder
        // Two chunks and a half of bytes no compression would shorten, and a small photo.
        let document = (0..<(BlobStore.chunkSize * 5 / 2)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let photo = Array("示例照片".utf8) + (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        let paths = (folder.appendingPathComponent("防汛通知.pdf").path, folder.appendingPathComponent("现场.jpg").path)
        FileManager.default.createFile(atPath: paths.0, contents: Data(document))
        FileManager.default.createFile(atPath: paths.1, contents: Data(photo))
        var listed: [[TierSyncDomain.Attachment]] = []
        var refusals: [[String]] = []
        var blobs: [[BlobInfo?]] = []
        for hub in hubs.workspaces {
            try RecordEdit.$ids.withValue(RecordIDSource(seed: 11)) {
                let directive = try hub.add(
                    .directive, org: nil, values: ["title": "示例·防汛通知", "share": "subtree"], id: nil)
                let id = directive.id.rawValue
                let attached = try hub.attach(.directive, id: id, file: paths.0, name: nil)
                let first = try hub.attach(.directive, id: id, file: paths.1, name: nil)
                let again = try hub.attach(.directive, id: id, file: paths.1, name: "现场照片.jpg")
                #expect(attached.type == "application/pdf" && attached.size == document.count && attached.here)
                let copy = folder.appendingPathComponent("copy-\(hub).pdf").path
                _ = try hub.saveAttachment(attached.id, to: copy)
                #expect(
                    try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(document), "\(storeName(hub)): saved whole"
                )
                try hub.removeAttachment(first.id)
                listed.append(try hub.attachments(record: id))
                blobs.append([
                    try (hub as! any SyncHub).blob(attached.sha256), try (hub as! any SyncHub).blob(again.sha256),
                ])
                refusals.append(
                    LocalEditConformanceTests.outcomes([
                        {
                            _ = try hub.attach(
                                .directive, id: id, file: folder.appendingPathComponent("无此文件").path, name: nil)
                        },
                        { _ = try hub.attach(.directive, id: id, file: paths.1, name: "a/b.jpg") },
                        { _ = try hub.attach(.plan, id: id, file: paths.1, name: nil) },
                        { try hub.removeAttachment(first.id) },
                        { try hub.removeAttachment("not-an-id") },
                        { _ = try hub.saveAttachment(first.id, to: folder.appendingPathComponent("x").path) },
                    ]))
            }
        }
        #expect(listed[0] == listed[1])
        #expect(listed[0].map(\.name) == ["现场照片.jpg", "防汛通知.pdf"], "\(listed[0])")
        #expect(refusals[0] == refusals[1], "\(refusals)")
        #expect(!refusals[0].contains("applied"), "\(refusals[0])")
        #expect(blobs[0] == blobs[1])
        #expect(blobs[0][0]?.chunksHere == 3 && blobs[0][0]?.complete == true, "\(blobs[0])")
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: "attachments")
        try conformance.expectSamePulls(hubs, context: "attachments")
    }
}
