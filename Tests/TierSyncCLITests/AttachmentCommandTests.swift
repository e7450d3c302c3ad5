import Foundation
import Testing

/// `attach` and `attachments` as a clerk and a script use them, and files moving with `sync`
/// between real processes: a county's document reaches its city hub, and a file over the
/// hub's limit is named and makes `sync` exit 1.
@Suite(.serialized, .ownThreads) struct AttachmentCommandTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    /// A file of `size` bytes of a repeating pattern that gzip cannot shrink much.
    func file(_ name: String, size: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: size)
        var state: UInt32 = 2_463_534_242
        for i in 0..<size {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            bytes[i] = UInt8(truncatingIfNeeded: state)
        }
        FileManager.default.createFile(atPath: scratch.path(name), contents: Data(bytes))
        return scratch.path(name)
    }

    func plan(_ db: String) throws -> String {
        try expectSuccess(
            "plan", "add", "--db", db, "--title", "示例·钟山区防汛应急预案", "--level", "overall", "--status", "published"
        ).output
    }

    @Test("a county's 1.5 MB document syncs to its city hub and saves back there byte for byte")
    func syncsUp() throws {
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        let hub = try HubProcess(db: city, scratch: scratch)
        try expectSuccess(
            "join", "--db", county, "--parent", hub.url, "--code", try enrollmentCode(city, org: "520201"))
        let source = file("预案.pdf", size: 1_500_000)
        let id = try expectSuccess("attach", "--db", county, "plan", try plan(county), source).output
        let synced = try expectSuccess("sync", "--db", county).stdout
        #expect(synced.contains("files: sent 1, fetched 0 (1500000 bytes), not moved 0"), "\(synced)")
        try expectSuccess("attachments", "get", "--db", city, id, "--out", scratch.path("at-city.pdf"))
        #expect(FileManager.default.contentsEqual(atPath: source, andPath: scratch.path("at-city.pdf")))
        let listed = try JSONValue.decode(try expectSuccess("attachments", "list", "--db", city, "--json").stdout)
        #expect(listed.array?.first?["here"] == .bool(true))
    }

    @Test("a file over the hub's --max-file-mb is named with the limit, and sync exits 1")
    func overTheLimit() throws {
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        let hub = try HubProcess(db: city, scratch: scratch, extra: ["--max-file-mb", "1"])
        try expectSuccess(
            "join", "--db", county, "--parent", hub.url, "--code", try enrollmentCode(city, org: "520201"))
        try expectSuccess("attach", "--db", county, "plan", try plan(county), file("big.pdf", size: 2 << 20))
        let synced = try tiersync("sync", "--db", county)
        #expect(synced.exitCode == 1)
        #expect(
            synced.stdout.contains("not moved: file") && synced.stdout.contains("--max-file-mb"), "\(synced.stdout)")
    }

    @Test("bad input to attach names what was wrong")
    func refusals() throws {
        let db = scratch.path("town.db")
        _ = try initNode(db, org: "520201101")
        let unknownKind = try tiersync("attach", "--db", db, "poster", "x", "/etc/hostname")
        #expect(unknownKind.exitCode != 0 && unknownKind.stderr.contains("unknown kind 'poster'"))
        let plan = try plan(db)
        let missing = try tiersync("attach", "--db", db, "plan", plan, scratch.path("nope.pdf"))
        #expect(missing.exitCode != 0 && missing.stderr.contains("a file that exists and can be read"))
        let notHere = try tiersync(
            "attachments", "get", "--db", db, "6b87d71b-f956-4c19-9502-8d90d606d6ad", "--out", "x")
        #expect(notHere.exitCode != 0 && notHere.stderr.contains("no attachment"))
    }
}
