import Foundation
import Testing
import TierSyncCore

@testable import TierSyncProtocol

/// Protocol v1 as a node of this release sends it (`Fixtures/v1/`, kept unchanged from now on):
/// every message still decodes, its changes and versions still parse, and what this release
/// writes reads back the same. A later release that cannot read v1 fails here.
@Suite struct WireFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/v1")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    @Test("a v1 push decodes, a later release's field and a null included, and encodes back the same")
    func push() throws {
        let push = try PushPageCodec.decode(try Self.bytes("push-request.json"))
        let changes = try push.changes.map { try $0.change() }
        #expect(changes.map(\.field) == ["name", "email", "quantity", "wechat"])
        #expect(
            changes[1].value == .text("wang@example.org") && changes[2].value == .real(12.5)
                && changes[3].value == .null)
        #expect(changes[3].versionVector.entries.count == 2)
        #expect(push.upTo == 4 && push.nodes == ["f633ba8217ba799e": "520201101"])
        let again = try PushPageCodec.decode(PushPageCodec.encode(push))
        #expect(again.changes == push.changes && again.upTo == push.upTo)
    }

    @Test("a v1 pull page decodes and encodes back the same")
    func pull() throws {
        let page = try PullPageCodec.decode(try Self.bytes("pull-response.json"))
        #expect(page.changes.count == 2 && page.next == 42 && page.more && page.last == 97)
        #expect(try page.changes.map { try $0.change().table } == ["plan", "attachment"])
        let again = try PullPageCodec.decode(PullPageCodec.encode(page))
        #expect(again.changes == page.changes && again.next == page.next && again.last == page.last)
    }

    @Test("a v1 snapshot page decodes, with its field versions and a kept conflict")
    func snapshot() throws {
        let page = try SnapshotPageCodec.decode(try Self.bytes("snapshot-page.json"))
        let record = try #require(page.records.first)
        #expect(record.table == "contact" && record.fields.count == 3 && record.kept.count == 1)
        #expect(FieldVersions(parsing: record.versions) != nil)
        #expect(page.position == 42 && page.total == 1000 && page.next?.hasPrefix("contact/") == true)
        #expect(try SnapshotPageCodec.decode(SnapshotPageCodec.encode(page)) == page)
    }

    @Test("v1 status, push answer, file status and enrollment decode as this release reads them")
    func json() throws {
        let decoder = JSONDecoder()
        let status = try decoder.decode(StatusResponse.self, from: Data(try Self.bytes("status-response.json")))
        #expect(status.protocolVersion == 1 && status.receivedFromYou == 4 && status.epoch == "9f1c2e3d4b5a6978")
        let answer = try decoder.decode(PushResponse.self, from: Data(try Self.bytes("push-response.json")))
        #expect(answer.acked == 4 && answer.alreadyKnown == 1)
        let blob = try decoder.decode(BlobStatus.self, from: Data(try Self.bytes("blob-status.json")))
        #expect(blob.have == [0, 1] && blob.chunkSize == 1 << 20 && !blob.complete)
        let enroll = try decoder.decode(EnrollRequest.self, from: Data(try Self.bytes("enroll-request.json")))
        #expect(enroll.node == "f633ba8217ba799e")
        let enrolled = try decoder.decode(EnrollResponse.self, from: Data(try Self.bytes("enroll-response.json")))
        #expect(enrolled.parentOrg == "520201")
    }
}
