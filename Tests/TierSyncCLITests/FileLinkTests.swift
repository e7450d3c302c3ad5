import Foundation
import Testing

/// A township's plan document goes up to the city by HTTP, township → county → city, through
/// a link that cuts most connections within 1.5 MB (`Tests/Links/faulty_link.py`) between the
/// county and the city: it arrives byte for byte, and a sibling township never receives it.
@Suite(.serialized, .ownThreads) struct FileLinkTests {
    @Test("a 5 MB document crosses a cutting link to the city whole, and never reaches a sibling")
    func throughACuttingLink() throws {
        let scratch = try Scratch()
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        let town = scratch.path("town.db"), sibling = scratch.path("sibling.db")
        _ = try initNode(city, org: "520200")
        let cityHub = try HubProcess(db: city, scratch: scratch)
        try joinNode(county, hub: cityHub, parentDB: city, org: "520201")
        let cityPort = try #require(cityHub.url.split(separator: ":").last.map(String.init))
        let link = try LinkTests.Link(
            target: "127.0.0.1:\(cityPort)", scratch: scratch, cutRate: 0.7, latency: 0, cutMax: 1_500_000)
        try SQLiteShell.run(county, "UPDATE parent_link SET url = 'http://127.0.0.1:\(link.port)'")
        // The link cuts by closing both sides, so a cut fails at once; the timeout only has to
        // outlast a 1 MiB chunk on a loaded 2-core machine (at 2 s, every try timed out there).
        let countyHub = try HubProcess(
            db: county, scratch: scratch, syncInterval: 0.5, extra: ["--sync-timeout", "10"])
        defer { countyHub.stop() }
        try joinNode(town, hub: countyHub, parentDB: county, org: "520201101")
        try joinNode(sibling, hub: countyHub, parentDB: county, org: "520201102")

        var bytes = [UInt8](repeating: 0, count: 5_000_000)
        var state: UInt64 = 88_172_645_463_325_252
        for i in bytes.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            bytes[i] = UInt8(truncatingIfNeeded: state)
        }
        let document = scratch.path("防汛应急预案.pdf")
        FileManager.default.createFile(atPath: document, contents: Data(bytes))
        let plan = try expectSuccess(
            "plan", "add", "--db", town, "--title", "示例·大河镇防汛应急预案", "--level", "grassroots", "--status", "published"
        ).output
        let id = try expectSuccess("attach", "--db", town, "plan", plan, document).output
        try expectSuccess("sync", "--db", town)

        let deadline = Date().addingTimeInterval(420)
        var here = false
        while !here, Date() < deadline {
            Thread.sleep(forTimeInterval: 1)
            let listed = try tiersync("attachments", "list", "--db", city, "--json")
            guard listed.succeeded else { continue }
            here = try JSONValue.decode(listed.stdout).array?.first?["here"] == .bool(true)
        }
        #expect(here, "the document did not reach the city: \(countyHub.log)")
        #expect(link.cuts > 0, "the link cut no connection")
        try expectSuccess("attachments", "get", "--db", city, id, "--out", scratch.path("at-city.pdf"))
        #expect(FileManager.default.contentsEqual(atPath: document, andPath: scratch.path("at-city.pdf")))

        try expectSuccess("sync", "--db", sibling)
        #expect(try expectSuccess("attachments", "list", "--db", sibling, "--json").output == "[]")
    }
}
