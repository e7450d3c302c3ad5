import Foundation
import Testing

/// Nodes as real processes on loopback, syncing over HTTP: a city hub, a county that is a
/// child of the city and a hub for its townships, and two townships.
@Suite(.serialized, .ownThreads) struct HubEndToEndTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    func join(_ db: String, _ hub: HubProcess, _ code: String) throws {
        try expectSuccess("join", "--db", db, "--parent", hub.url, "--code", code)
    }

    /// The contact's phone at a node; nil while the node does not have it.
    func phone(_ db: String, _ id: String) throws -> String? {
        let shown = try tiersync("contact", "show", "--db", db, id, "--json")
        guard shown.succeeded else { return nil }
        return try JSONValue.decode(shown.stdout)["fields"]?["phone"]?.string
    }

    @Test(
        "township → county → city and back over HTTP; sibling isolation; a concurrent edit converges with its conflict listed"
    )
    func threeLevels() throws {
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        let township = scratch.path("town.db"), sibling = scratch.path("sibling.db")
        _ = try initNode(city, org: "520200")
        let cityHub = try HubProcess(db: city, scratch: scratch)
        try join(county, cityHub, try enrollmentCode(city, org: "520201"))
        let countyHub = try HubProcess(db: county, scratch: scratch, syncInterval: 0.5)
        try join(township, countyHub, try enrollmentCode(county, org: "520201101"))
        try join(sibling, countyHub, try enrollmentCode(county, org: "520201102"))

        // Offline entry at the township, then sync: the county's loop forwards it to the city.
        let id = try expectSuccess(
            "contact", "add", "--db", township, "--role", "信息员", "--name", "示例·王一", "--phone", "13900000001"
        ).output
        let synced = try expectSuccess("sync", "--db", township).output
        #expect(synced == "pushed 4, pulled 0, conflicts 0, refused 0")
        #expect(try eventually { try phone(city, id) != nil }, "\(countyHub.log)")
        // The sibling township never receives it.
        try expectSuccess("sync", "--db", sibling)
        #expect(try exportedRecords(sibling).isEmpty)

        // The city corrects the number; it flows down to the township, not to the sibling.
        try expectSuccess("contact", "set", "--db", city, id, "phone=13900000002")
        #expect(try eventually { try phone(county, id) == "13900000002" })
        try expectSuccess("sync", "--db", township)
        #expect(try phone(township, id) == "13900000002")

        // Concurrent edits at the township and at the county: every node converges.
        try expectSuccess("contact", "set", "--db", township, id, "phone=13900000003")
        try expectSuccess("contact", "set", "--db", county, id, "phone=13900000004")
        try expectSuccess("sync", "--db", township)
        try expectSuccess("sync", "--db", township)
        #expect(
            try eventually { try phone(city, id) == phone(township, id) && phone(county, id) == phone(township, id) })
        for db in [township, county] {
            let conflicts = try JSONValue.decode(try expectSuccess("conflicts", "list", "--db", db, "--json").stdout)[
                "conflicts"]?.array
            #expect(conflicts?.count == 1, "\(db)")
        }
        let status = try JSONValue.decode(try expectSuccess("status", "--db", township, "--json").stdout)
        #expect(status["waiting"]?.int == 0 && status["lastSync"]?.string != nil && status["openConflicts"]?.int == 1)
        let nodes = try JSONValue.decode(try expectSuccess("nodes", "--db", county, "--json").stdout).array ?? []
        #expect(Set(nodes.compactMap { $0["org"]?.string }) == ["520201101", "520201102"])
    }

    @Test("enrollment misuse: a reused, a wrong and an expired code are refused with 401, and nothing is made")
    func enrollmentMisuse() throws {
        let city = scratch.path("city.db")
        _ = try initNode(city, org: "520200")
        let hub = try HubProcess(db: city, scratch: scratch)
        let used = try enrollmentCode(city, org: "520201")
        try join(scratch.path("a.db"), hub, used)
        for (name, code) in [("b.db", used), ("c.db", "AAAA-BBBB-CCCC")] {
            let run = try tiersync("join", "--db", scratch.path(name), "--parent", hub.url, "--code", code)
            #expect(!run.succeeded && run.errorLines.count == 1 && run.stderr.contains("HTTP 401"), "\(run.summary)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path(name)))
        }
        let expired = try enrollmentCode(city, org: "520203", hours: "0.0002")
        Thread.sleep(forTimeInterval: 1.2)
        let run = try tiersync("join", "--db", scratch.path("d.db"), "--parent", hub.url, "--code", expired)
        #expect(!run.succeeded && run.stderr.contains("expired"), "\(run.summary)")
    }

    @Test("a revoked node gets 401 and keeps its changes queued; an unreachable parent fails clearly and loses nothing")
    func revokedAndUnreachable() throws {
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        let hub = try HubProcess(db: city, scratch: scratch)
        try join(county, hub, try enrollmentCode(city, org: "520201"))
        try expectSuccess("contact", "add", "--db", county, "--role", "信息员", "--name", "示例", "--phone", "13900000001")
        let node = try #require(
            JSONValue.decode(try expectSuccess("nodes", "--db", city, "--json").stdout).array?.first?["node"]?.string)
        try expectSuccess("revoke", "--db", city, node)
        let refused = try tiersync("sync", "--db", county)
        #expect(
            !refused.succeeded && refused.stderr.contains("HTTP 401") && refused.stderr.contains("revoked"),
            "\(refused.summary)")
        hub.stop()
        let down = try tiersync("sync", "--db", county)
        #expect(!down.succeeded && down.errorLines.count == 1 && down.stderr.contains("unreachable"), "\(down.summary)")
        let status = try JSONValue.decode(try expectSuccess("status", "--db", county, "--json").stdout)
        #expect(status["waiting"]?.int == 4 && status["lastError"]?.string?.contains("unreachable") == true)
    }

    @Test("a county's new PC joins for the same org: it syncs, gets the old PC's records, and its edits reach the city")
    func replacementNode() throws {
        let city = scratch.path("city.db"), old = scratch.path("old.db"), new = scratch.path("new.db")
        _ = try initNode(city, org: "520200")
        let hub = try HubProcess(db: city, scratch: scratch)
        try join(old, hub, try enrollmentCode(city, org: "520201"))
        for i in 1...3 {
            try expectSuccess(
                "contact", "add", "--db", old, "--role", "信息员", "--name", "示例·旧机\(i)", "--phone", "1390000000\(i)")
        }
        try expectSuccess("sync", "--db", old)

        // The city had received more of the old PC's log than the new one has: it must start
        // the new PC's exchange afresh, not take it for a file copied back from a backup. The
        // old PC is revoked by the new one's enrollment.
        try join(new, hub, try enrollmentCode(city, org: "520201"))
        try expectSuccess("sync", "--db", new)
        let refused = try tiersync("sync", "--db", old)
        #expect(!refused.succeeded && refused.stderr.contains("revoked"), "\(refused.summary)")
        #expect(try names(new) == ["示例·旧机1", "示例·旧机2", "示例·旧机3"])
        try expectSuccess("contact", "add", "--db", new, "--role", "信息员", "--name", "示例·新机", "--phone", "13900000009")
        try expectSuccess("sync", "--db", new)
        #expect(try names(city) == ["示例·新机", "示例·旧机1", "示例·旧机2", "示例·旧机3"])
        try expectSuccess("sync", "--db", new)
        #expect(try names(new).count == 4)
    }

    func names(_ db: String) throws -> [String] {
        try
            (JSONValue.decode(try expectSuccess("contact", "list", "--db", db, "--json").stdout)["records"]?.array ?? [])
            .compactMap { $0["fields"]?["name"]?.string }.sorted()
    }

    @Test("a hub with a parent stops gracefully on SIGTERM, its upward loop too")
    func gracefulShutdown() throws {
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        let cityHub = try HubProcess(db: city, scratch: scratch)
        try join(county, cityHub, try enrollmentCode(city, org: "520201"))
        // A request in flight ends by its timeout at the latest (URLSession on Linux may not
        // cancel it at once): 5 s here, so that a loaded machine's slow answer cannot hold the
        // stop past the test's wait.
        let countyHub = try HubProcess(
            db: county, scratch: scratch, syncInterval: 0.2, extra: ["--sync-timeout", "5"])
        Thread.sleep(forTimeInterval: 0.5)
        countyHub.process.terminate()
        // A sync in flight is cancelled; under a loaded machine that can take a moment.
        let stopped = eventually(20) { !countyHub.process.isRunning }
        #expect(stopped, "the hub did not stop within 20 s of SIGTERM: \(countyHub.log)")
        if stopped { #expect(countyHub.process.terminationStatus == 0, "\(countyHub.log)") }
    }
}
