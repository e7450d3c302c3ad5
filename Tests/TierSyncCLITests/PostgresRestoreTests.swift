import Foundation
import Testing
import TierSyncDomain
import TierSyncPostgres

/// A county hub on PostgreSQL backed up with `tiersync backup` (a `pg_dump` archive) and put
/// back from that older dump: by hand with `pg_restore`, it refuses to sync (its parent holds
/// more of its log than it has) until `tiersync restore`; `tiersync restore --from DUMP` puts
/// the dump back itself, and refuses while the hub serves. After it, with a new node id and log
/// epoch, its township sends again what the dump lacks, and nothing is lost anywhere.
@Suite(.serialized, .ownThreads) struct PostgresRestoreTests {
    @Test(
        "a county on PostgreSQL restored from an older dump: refused until `restore`, then its township resends and nothing is lost"
    )
    func restoredFromDump() throws {
        let scratch = try Scratch()
        let database = try PostgresScratchDatabase()
        let county = database.address.description
        func db(_ name: String) -> String { scratch.path("\(name).db") }
        _ = try initNode(db("city"), org: "520200")
        var city = try HubProcess(db: db("city"), scratch: scratch)
        let cityPort = try #require(Int(city.url.split(separator: ":").last ?? ""))
        try joinNode(county, hub: city, parentDB: db("city"), org: "520201")
        var hub = try HubProcess(db: county, scratch: scratch, syncInterval: 0.2)
        let port = try #require(Int(hub.url.split(separator: ":").last ?? ""))
        try joinNode(db("dahe"), hub: hub, parentDB: county, org: "520201101")
        func add(_ count: Int, from first: Int) throws {
            for number in first..<(first + count) {
                try expectSuccess(
                    "contact", "add", "--db", db("dahe"), "--role", "信息员", "--name", "示例·大河\(number)", "--phone",
                    "1390000\(String(format: "%04d", number))")
            }
            try expectSuccess("sync", "--db", db("dahe"))
        }
        try add(3, from: 0)
        #expect(try eventually(30) { try PostgresHubsTests.live(db("city"), "contact").count == 3 })

        // The dump; then two more contacts that it lacks, which reach the city, and two that
        // reach only the county (the city is down): those only the township can send again.
        let dump = scratch.path("county.dump")
        // A person signed in when the dump is made: a restore ends the session it holds.
        try WorkbenchBrowserTests.addUser(county, "li", role: "clerk")
        let signedIn = try Self.withHub(county) { try $0.startSession(subject: "user:li") }
        let backup = try JSONValue.decode(try expectSuccess("backup", "--db", county, "--out", dump, "--json").stdout)
        #expect(backup["logPosition"]?.int ?? 0 > 0 && backup["backup"]?.string == dump, "\(backup)")
        #expect(backup["epoch"]?.string?.isEmpty == false, "\(backup)")
        try add(2, from: 3)
        #expect(try eventually(30) { try PostgresHubsTests.live(db("city"), "contact").count == 5 })
        city.stop()
        try add(2, from: 5)
        #expect(try PostgresHubsTests.live(county, "contact").count == 7)

        // Not while the hub serves: nothing is put back.
        let busy = try TierSyncProcess.run(["restore", "--db", county, "--from", dump])
        #expect(busy.exitCode != 0 && busy.stderr.contains("stop every `tiersync serve`"), "\(busy.stderr)")
        #expect(try PostgresHubsTests.live(county, "contact").count == 7)

        // The county's database is put back from the dump, in place.
        hub.stop()
        try Self.tool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--dbname", county, dump])
        #expect(try PostgresHubsTests.live(county, "contact").count == 3)
        city = try HubProcess(db: db("city"), scratch: scratch, port: cityPort)
        let refused = try TierSyncProcess.run(["sync", "--db", county])
        #expect(refused.exitCode != 0 && refused.stderr.contains("tiersync restore"), "\(refused.stderr)")
        let restored = try JSONValue.decode(
            try expectSuccess("restore", "--db", county, "--from", dump, "--json").stdout)
        #expect(try PostgresHubsTests.live(county, "contact").count == 3)
        #expect(restored["node"]?.string != restored["oldNode"]?.string)
        #expect(throws: DomainError.self, "the session in the dump ended with the restore") {
            try Self.withHub(county) { _ = try $0.session(signedIn) }
        }

        // Served again at the same address: the township sees the new epoch and resends.
        hub = try HubProcess(db: county, scratch: scratch, syncInterval: 0.2, port: port)
        #expect(
            try eventually(30) {
                _ = try TierSyncProcess.run(["sync", "--db", db("dahe")])  // refused while the county re-bootstraps
                return try PostgresHubsTests.live(county, "contact").count == 7
            }, "\(hub.log)")
        #expect(try eventually(30) { try PostgresHubsTests.live(db("city"), "contact").count == 7 }, "\(hub.log)")
        #expect(try PostgresHubsTests.versionsLoggedTwice(database.address) == 0)
        try add(1, from: 7)
        #expect(try eventually(30) { try PostgresHubsTests.live(db("city"), "contact").count == 8 }, "\(hub.log)")
        hub.stop()
        city.stop()
    }

    /// Runs `body` with the hub at `db` open in this process, closed after (a restore refuses
    /// while a connection is open).
    static func withHub<T>(_ db: String, _ body: (PostgresHub) throws -> T) throws -> T {
        let hub = try PostgresHub.open(
            address: try PostgresAddress(parsing: db), logger: PostgresScratchDatabase.silent)
        defer { hub.store.close() }
        return try body(hub)
    }

    /// Runs a PostgreSQL client program; it must succeed.
    static func tool(_ name: String, _ arguments: [String]) throws {
        let result = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/\(name)"), arguments, timeout: 60)
        guard result.succeeded else { throw ProcessFailure.unexpected("\(name): \(result.stderr)") }
    }
}
