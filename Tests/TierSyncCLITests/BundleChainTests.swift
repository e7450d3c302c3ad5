import Foundation
import Testing
import TierSyncPostgres

/// A township, its county and the city syncing by bundle files through the CLI, the way a
/// township with no network does: up, back down, with a conflict reviewed and resolved. Each
/// test runs with the county and the city on SQLite, and again with both hubs on PostgreSQL
/// (`bundle export|import --db postgresql://…`): the same counts, values and conflicts.
@Suite(.ownThreads) struct BundleChainTests {
    let scratch: Scratch
    /// The hubs' databases, when they are on PostgreSQL (dropped with the test).
    let databases: [PostgresScratchDatabase]
    let town: String
    let county: String
    let city: String

    init(_ hubs: HubStore) throws {
        scratch = try Scratch()
        let (county, countyDatabase) = try hubs.place("county", in: scratch)
        let (city, cityDatabase) = try hubs.place("city", in: scratch)
        databases = [countyDatabase, cityDatabase].compactMap { $0 }
        town = scratch.path("town.db")
        (self.county, self.city) = (county, city)
        _ = try initNode(town, org: "520201101")
        _ = try initNode(county, org: "520201")
        _ = try initNode(city, org: "520200")
    }

    /// `bundle export` at `from` for `org`, then `bundle import --json` at `to`.
    func send(_ from: String, _ org: String, _ to: String) throws -> JSONValue {
        let file = scratch.path(UUID().uuidString + ".tsb")
        try expectSuccess("bundle", "export", "--db", from, "--to", org, "--out", file)
        return try JSONValue.decode(try expectSuccess("bundle", "import", "--db", to, file, "--json").stdout)
    }

    func phone(_ db: String, _ id: String) throws -> String? {
        try JSONValue.decode(try expectSuccess("contact", "show", "--db", db, id, "--json").stdout)["fields"]?["phone"]?
            .string
    }

    @Test(
        "township → county → city and back down by bundles; a concurrent edit is listed everywhere and resolved once",
        arguments: HubStore.allCases)
    static func chain(hubs: HubStore) throws {
        try Self(hubs).chain()
    }

    func chain() throws {
        let id = try expectSuccess(
            "contact", "add", "--db", town, "--role", "信息员", "--name", "示例·王一", "--phone", "13900000001"
        ).output
        #expect(try send(town, "520201", county)["report"]?["applied"]?.int == 4)
        #expect(try send(county, "520200", city)["report"]?["applied"]?.int == 4)
        try expectSuccess("contact", "set", "--db", city, id, "phone=13900000002")
        try expectSuccess("contact", "set", "--db", town, id, "phone=13900000003")
        _ = try send(city, "520201", county)
        #expect(try send(county, "520201101", town)["report"]?["conflicts"]?.int == 1)
        _ = try send(town, "520201", county)
        _ = try send(county, "520200", city)
        for db in [town, county, city] {
            #expect(try phone(db, id) == "13900000003")
            let listed = try JSONValue.decode(try expectSuccess("conflicts", "list", "--db", db, "--json").stdout)
            let conflicts = try #require(listed["conflicts"]?.array)
            #expect(conflicts.count == 1)
            #expect(conflicts.first?["other"]?["value"]?.string == "13900000002")
            #expect(conflicts.first?["current"]?["value"]?.string == "13900000003")
        }
        let table = try expectSuccess("conflicts", "list", "--db", city).stdout
        #expect(
            table.contains("13900000002 (六盘水市") && table.contains("13900000003 (大河镇") && table.contains("needs review"))
        // The city settles it; the resolution travels down and closes it everywhere.
        let conflictID = try #require(
            JSONValue.decode(try expectSuccess("conflicts", "list", "--db", city, "--json").stdout)["conflicts"]?.array?
                .first?["id"]?.int)
        try expectSuccess("conflicts", "resolve", "--db", city, String(conflictID), "--keep", "other")
        _ = try send(city, "520201", county)
        _ = try send(county, "520201101", town)
        for db in [town, county, city] {
            #expect(try phone(db, id) == "13900000002")
            let open = try JSONValue.decode(try expectSuccess("conflicts", "list", "--db", db, "--json").stdout)
            #expect(open["conflicts"]?.array?.isEmpty == true)
        }
        for db in [town, county, city] {
            let history = try expectSuccess("conflicts", "list", "--db", db, "--all").stdout
            #expect(history.contains("settled") && history.contains("六盘水市"), "\(history)")
        }
    }

    @Test(
        "a truncated or altered bundle is refused with a clear error and nothing is applied",
        arguments: HubStore.allCases)
    static func damagedBundles(hubs: HubStore) throws {
        try Self(hubs).damagedBundles()
    }

    func damagedBundles() throws {
        try expectSuccess("contact", "add", "--db", town, "--role", "信息员", "--name", "示例·王一", "--phone", "13900000001")
        let file = scratch.path("b.tsb")
        try expectSuccess("bundle", "export", "--db", town, "--to", "520201", "--out", file)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        var altered = bytes
        altered[bytes.count / 2] ^= 0x5A
        for (name, damaged) in [("cut.tsb", bytes.prefix(bytes.count - 9)), ("altered.tsb", altered)] {
            try damaged.write(to: URL(fileURLWithPath: scratch.path(name)))
            let line = try expectRefusal(
                db: county, ["bundle", "import", "--db", county, scratch.path(name)], mentions: ["bundle"])
            #expect(line.contains("truncated") || line.contains("damaged"), "\(line)")
        }
        try expectRefusal(db: city, ["bundle", "import", "--db", city, file], mentions: ["520201", "this one is for"])
    }

    @Test("import prints its counts; export names what it wrote", arguments: HubStore.allCases)
    static func textOutput(hubs: HubStore) throws {
        try Self(hubs).textOutput()
    }

    func textOutput() throws {
        try expectSuccess("contact", "add", "--db", town, "--role", "信息员", "--name", "示例·王一", "--phone", "13900000001")
        let file = scratch.path("b.tsb")
        #expect(
            try expectSuccess("bundle", "export", "--db", town, "--to", "520201", "--out", file).output
                == "wrote 4 changes for 520201 to \(file)")
        #expect(
            try expectSuccess("bundle", "import", "--db", county, file).output
                == "from 520201101: applied 4, already known 0, conflicts 0, refused 0")
        #expect(
            try expectSuccess("bundle", "import", "--db", county, file).output
                == "from 520201101: applied 0, already known 4, conflicts 0, refused 0")
        #expect(try expectSuccess("compact", "--db", county).output.hasPrefix("dropped 0"))
    }
}
