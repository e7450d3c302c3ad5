import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// Files attached to records: attached and read back byte for byte, stored once, refused with
/// what was wrong, removed and collected, and carried by bundles only where their record goes.
@Suite final class AttachmentTests {
    let directory: URL
    let city: TierSyncNode
    let county: TierSyncNode
    let township: TierSyncNode
    let sibling: TierSyncNode

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-attach-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        city = try TierSyncNode.create(path: directory.path + "/city.db", org: "520200")
        county = try TierSyncNode.create(path: directory.path + "/county.db", org: "520201")
        township = try TierSyncNode.create(path: directory.path + "/t.db", org: "520201101")
        sibling = try TierSyncNode.create(path: directory.path + "/s.db", org: "520201102")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A file of `size` seeded bytes.
    func file(_ name: String, size: Int, seed: UInt64 = 1) -> String {
        var random = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: size)
        for i in 0..<size { bytes[i] = UInt8(truncatingIfNeeded: random.next()) }
        FileManager.default.createFile(atPath: path(name), contents: Data(bytes))
        return path(name)
    }

    func plan(_ node: TierSyncNode, share: String? = nil) throws -> String {
        var values = ["title": "示例·防汛应急预案", "level": "grassroots", "status": "published"]
        if let share { values["share"] = share }
        return try node.add(.plan, values: values).id.rawValue
    }

    func count(_ node: TierSyncNode, _ table: String) throws -> Int {
        try node.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1 }
    }

    func same(_ a: String, _ b: String) -> Bool { FileManager.default.contentsEqual(atPath: a, andPath: b) }

    @Test("a 2.5 MB document attached to a plan lists with its size and hash, and saves back byte for byte")
    func attachAndSave() throws {
        let plan = try plan(township)
        let source = file("预案.pdf", size: 2_621_440 + 17)
        let attachment = try township.attach(.plan, id: plan, file: source)
        #expect(attachment.kind == "plan" && attachment.record == plan && attachment.name == "预案.pdf")
        #expect(attachment.type == "application/pdf" && attachment.size == 2_621_457 && attachment.here)
        #expect(try township.attachments(record: plan) == [attachment])
        #expect(try count(township, "blob_chunk") == 3)
        try township.saveAttachment(attachment.id, to: path("back.pdf"))
        #expect(same(source, path("back.pdf")))
    }

    @Test("the same file attached to two records is stored once; removing one keeps the bytes for the other")
    func storedOnce() throws {
        let (first, second) = (try plan(township), try plan(township))
        let source = file("cover.jpg", size: 100_000)
        let a = try township.attach(.plan, id: first, file: source)
        let b = try township.attach(.plan, id: second, file: source, name: "签章页.jpg")
        #expect(a.sha256 == b.sha256 && b.name == "签章页.jpg" && b.type == "image/jpeg")
        #expect(try count(township, "blob") == 1)
        try township.removeAttachment(a.id)
        #expect(try township.compact().files == 0)
        try township.removeAttachment(b.id)
        let compaction = try township.compact()
        #expect(compaction.files == 1 && compaction.fileBytes == 100_000)
        #expect(try count(township, "blob") == 0 && count(township, "blob_chunk") == 0)
        #expect(try township.attachments().isEmpty)
    }

    @Test("refusals name what was wrong and write nothing")
    func refusals() throws {
        let plan = try plan(township)
        let source = file("a.pdf", size: 10)
        let before = (try count(township, "attachment"), try count(township, "blob"))
        func refusal(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return ""
        }
        #expect(refusal { try township.attach(.plan, id: "nope", file: source) }.contains("no plan with id nope"))
        #expect(refusal { try township.attach(.plan, id: plan, file: path("missing.pdf")) }.contains("invalid file"))
        #expect(refusal { try township.attach(.plan, id: plan, file: source, name: "../x.pdf") }.contains("without /"))
        let county = try self.county.add(.plan, values: ["title": "示例·县预案", "level": "overall", "status": "published"])
        try sendBundle(self.county, township, in: directory)
        #expect(refusal { try township.attach(.plan, id: county.id.rawValue, file: source) }.contains("no plan"))
        #expect(refusal { try township.removeAttachment("0123456789abcdef0123456789abcdef") }.contains("no attachment"))
        #expect((try count(township, "attachment"), try count(township, "blob")) == before)
    }

    @Test("bundles carry a township's file up to the city byte for byte, and never to a sibling")
    func bundles() throws {
        let plan = try plan(township)
        let source = file("预案.docx", size: 1_500_000, seed: 3)
        let attachment = try township.attach(.plan, id: plan, file: source)
        let export = try township.exportBundle(to: "520201", path: path("up.tsb"))
        #expect(export.files == 1 && export.fileBytes == 1_500_000)
        let arrived = try county.importBundle(path: path("up.tsb"))
        #expect(arrived.files.stored == 1 && arrived.files.damaged.isEmpty)
        try sendBundle(county, city, in: directory)
        #expect(try city.attachment(attachment.id).here)
        try city.saveAttachment(attachment.id, to: path("at-city.docx"))
        #expect(same(source, path("at-city.docx")))

        let toSibling = try county.exportBundle(to: "520201102", path: path("sibling.tsb"))
        #expect(toSibling.files == 0)
        try sibling.importBundle(path: path("sibling.tsb"))
        #expect(try sibling.attachments().isEmpty && count(sibling, "blob") == 0)
    }

    @Test("a damaged file beside a bundle is reported and not stored; the attachment waits for its bytes")
    func damaged() throws {
        let plan = try plan(township)
        let attachment = try township.attach(.plan, id: plan, file: file("a.pdf", size: 5_000))
        try township.exportBundle(to: "520201", path: path("up.tsb"))
        let copy = TierSyncNode.filesFolder(ofBundle: path("up.tsb")) + "/" + attachment.sha256
        let handle = try #require(FileHandle(forUpdatingAtPath: copy))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: [0x55])
        try handle.close()
        let arrived = try county.importBundle(path: path("up.tsb"))
        #expect(arrived.files.damaged.count == 1 && arrived.files.damaged[0].contains("damaged on the way"))
        #expect(try county.attachment(attachment.id).here == false)
        #expect(try county.blobsWanted().map(\.sha256) == [attachment.sha256])
        // The county's next bundle says it still lacks the file; the township's next one carries it.
        try sendBundle(county, township, in: directory)
        let again = try township.exportBundle(to: "520201", path: path("again.tsb"))
        #expect(again.changes == 0 && again.files == 1)
        #expect(try county.importBundle(path: path("again.tsb")).files.stored == 1)
        #expect(try county.attachment(attachment.id).here)
    }

    @Test("a city's file on a plan shared with its subtree reaches the township; checks say who may fetch it")
    func sharedDown() throws {
        let plan = try plan(city, share: "subtree")
        let attachment = try city.attach(.plan, id: plan, file: file("市级预案.pdf", size: 4_000))
        try sendBundle(city, county, in: directory)
        try sendBundle(county, city, in: directory)
        try sendBundle(county, township, in: directory)
        #expect(try township.attachment(attachment.id).here)

        let unit = { (code: String) in try self.county.orgs().first { $0.code == code }! }
        try county.checkDownload(sha256: attachment.sha256, for: try unit("520201101"))
        let own = try self.plan(township)
        let mine = try township.attach(.plan, id: own, file: file("镇.pdf", size: 3_000, seed: 9))
        try sendBundle(township, county, in: directory)
        try county.checkDownload(sha256: mine.sha256, for: try unit("520201101"))
        #expect(throws: DomainError.self) {
            try self.county.checkDownload(sha256: mine.sha256, for: try unit("520201102"))
        }
        #expect(throws: DomainError.self) {
            try self.county.checkUpload(
                sha256: mine.sha256, size: 3_000, from: try unit("520201102"), limits: .init())
        }
    }

    @Test("a hub's limits per file and per child are named in its refusals")
    func limits() throws {
        let plan = try plan(township)
        let big = try township.attach(.plan, id: plan, file: file("big.pdf", size: 3 << 20, seed: 4))
        let small = try township.attach(.plan, id: plan, file: file("small.pdf", size: 2 << 20, seed: 5))
        try township.exportBundle(to: "520201", path: path("up.tsb"))
        try county.importBundle(path: path("up.tsb"))
        let child = try county.orgs().first { $0.code == "520201101" }!
        let perFile = TierSyncNode.FileLimits(maxFileBytes: 2 << 20, maxChildBytes: 100 << 20)
        #expect(throws: DomainError.self) {
            try self.county.checkUpload(sha256: big.sha256, size: 3 << 20, from: child, limits: perFile)
        }
        do {
            try county.checkUpload(sha256: big.sha256, size: 3 << 20, from: child, limits: perFile)
        } catch let error as DomainError {
            #expect(error.kind == .tooLarge && "\(error)".contains("--max-file-mb"))
            #expect(error.chinese?.contains("每个文件 2 MB 的限额") == true)
        }
        let perChild = TierSyncNode.FileLimits(maxFileBytes: 100 << 20, maxChildBytes: 4 << 20)
        do {
            try county.checkUpload(sha256: small.sha256, size: 2 << 20, from: child, limits: perChild)
            Issue.record("over the per-child limit")
        } catch let error as DomainError {
            #expect("\(error)".contains("holds 3 MB") && "\(error)".contains("--max-child-mb"))
        }
    }

    @Test("a plan shared down after its document was attached takes the document along")
    func sharedLater() throws {
        let plan = try plan(city)
        let attachment = try city.attach(.plan, id: plan, file: file("后共享.pdf", size: 6_000, seed: 8))
        try sendBundle(city, county, in: directory)
        try sendBundle(county, city, in: directory)
        try sendBundle(county, township, in: directory)
        try sendBundle(township, county, in: directory)
        #expect(try township.attachments().isEmpty, "not shared yet")
        try city.set(.plan, id: plan, values: ["share": "subtree"])
        try sendBundle(city, county, in: directory)
        try sendBundle(county, township, in: directory)
        #expect(try township.attachment(attachment.id).here)
    }
}
