import Foundation
import Testing
import TierSyncCore
import TierSyncPostgres

/// A city hub on PostgreSQL served by two `tiersync serve` processes behind nginx (the
/// example in `SyncServer/deploy`, as written): children's pushes, pulls, joins and
/// snapshots go to either process, concurrently, and nothing is lost or applied twice.
@Suite(.serialized, .ownThreads) struct PostgresHubsTests {
    @Test(
        "two serve processes over one PostgreSQL behind nginx: concurrent counties, nothing lost or doubled, either process serving, one stopped"
    )
    func twoProcesses() throws {
        let scratch = try Scratch()
        let database = try PostgresScratchDatabase()
        let city = database.address.description
        func db(_ name: String) -> String { scratch.path("\(name).db") }
        _ = try initNode(city, org: "520200")
        let first = try HubProcess(db: city, scratch: scratch)
        let second = try HubProcess(db: city, scratch: scratch)
        let nginx = try NginxProcess(upstreams: [first.url, second.url], scratch: scratch)
        try joinNode(db("zhongshan"), url: nginx.url, parentDB: city, org: "520201")
        try joinNode(db("liuzhi"), url: nginx.url, parentDB: city, org: "520203")
        let counties = [
            "zhongshan": try HubProcess(db: db("zhongshan"), scratch: scratch, syncInterval: 0.2),
            "liuzhi": try HubProcess(db: db("liuzhi"), scratch: scratch, syncInterval: 0.2),
        ]
        let townships = [
            ("dahe", "zhongshan", "520201101"), ("wangjiazhai", "zhongshan", "520201102"),
            ("yanjiao", "liuzhi", "520203102"), ("langdai", "liuzhi", "520203110"),
        ]
        for (name, county, org) in townships {
            try joinNode(db(name), hub: counties[county]!, parentDB: db(county), org: org)
        }

        // Every township enters offline, then all sync at once: the counties push through
        // nginx to both processes at the same time.
        let perTownship = 8
        for (index, (name, _, _)) in townships.enumerated() {
            for number in 0..<perTownship {
                try expectSuccess(
                    "contact", "add", "--db", db(name), "--role", "信息员", "--name", "示例·\(name)\(number)",
                    "--phone", "139\(String(format: "%04d%04d", index, number))")
            }
            try expectSuccess("report", "add", "--db", db(name), "--period", "2026-11-H2", "--body", "\(name)本期进度")
        }
        for county in ["zhongshan", "liuzhi"] {
            try expectSuccess(
                "contact", "add", "--db", db(county), "--role", "信息员", "--name", "示例·\(county)", "--phone",
                "13800000000")
        }
        try Self.concurrently(townships.map { name, _, _ in ["sync", "--db", db(name)] })
        let expected = townships.count * perTownship + 2
        #expect(
            try eventually(40) { try Self.live(city, "contact").count == expected },
            "\(counties["zhongshan"]!.log)")

        // A township and its county edit one phone concurrently: the county keeps a
        // conflict, and the city the same one.
        let contested = try #require(try Self.live(db("dahe"), "contact").first?.id)
        try expectSuccess("contact", "set", "--db", db("dahe"), contested, "phone=13911110001")
        try expectSuccess("contact", "set", "--db", db("zhongshan"), contested, "phone=13911110002")
        try Self.concurrently(townships.map { name, _, _ in ["sync", "--db", db(name)] })
        #expect(
            try eventually(40) {
                let (atCity, atCounty) = (try Self.openConflicts(city), try Self.openConflicts(db("zhongshan")))
                return !atCity.isEmpty && atCity == atCounty
            }, "the city keeps the county's conflict")

        // A township's 16 MB scan goes up in 16 chunks, each to either process (all to one:
        // 2 in 65,536): the city takes it whole, its hash checked, and says so, which the
        // county shows as 已送达上级 (sentUp).
        let scan = scratch.path("scan.pdf")
        // A block repeated, each 1 MiB chunk marked with its number: cheap to make in a debug build.
        let block = Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        var bytes = Data(capacity: 245 * block.count)
        for _ in 0..<245 { bytes.append(block) }  // 16,056,320 bytes: 16 chunks
        for chunk in 0..<16 { bytes[chunk << 20] = UInt8(chunk) }
        try bytes.write(to: URL(fileURLWithPath: scan))
        let plan = try expectSuccess(
            "plan", "add", "--db", db("dahe"), "--title", "示例·大河镇防汛应急预案", "--level", "overall", "--status", "published"
        ).output
        let attachment = try expectSuccess("attach", "--db", db("dahe"), "plan", plan, scan).output
        try expectSuccess("sync", "--db", db("dahe"))
        #expect(
            try eventually(40) {
                let listed = try JSONValue.decode(
                    try expectSuccess("attachments", "list", "--db", db("zhongshan"), "--json").stdout)
                return listed.array?.first { $0["id"]?.string == attachment }?["sentUp"] == .bool(true)
            }, "the city has the scan whole")
        let chunksTo = nginx.upstreams(answering: "PUT", "/v1/blobs/")
        #expect(Set(chunksTo) == [Self.hostPort(first.url), Self.hostPort(second.url)], "chunks to both: \(chunksTo)")

        // Nothing lost: every record of each county is at the city, field for field.
        // Nothing doubled: no version is logged twice.
        #expect(
            try eventually(40) {
                let atCity = Dictionary(try exportedRecords(city).map { ($0.id, $0) }) { first, _ in first }
                return try ["zhongshan", "liuzhi"].allSatisfy { county in
                    let records = try exportedRecords(db(county))
                    return records.allSatisfy { atCity[$0.id] == $0 }
                        && records.filter { $0.table == "contact" }.count == 2 * perTownship + 1
                }
            })
        #expect(try Self.versionsLoggedTwice(database.address) == 0)
        // Both processes answer pushes and pulls: nginx picks one at random for each request,
        // so a few more entries and syncs make it certain (three pushes may all meet one).
        let (one, other) = (Self.hostPort(first.url), Self.hostPort(second.url))
        var round = 0
        #expect(
            try eventually(60) {
                let both: Set<String> = [one, other]
                if Set(nginx.upstreams(answering: "POST", "/v1/push")) == both,
                    Set(nginx.upstreams(answering: "GET", "/v1/pull")) == both
                {
                    return true
                }
                round += 1
                try expectSuccess(
                    "contact", "add", "--db", db("langdai"), "--role", "信息员", "--name", "示例·第\(round)轮", "--phone",
                    "1370000\(String(format: "%04d", round))")
                try expectSuccess("sync", "--db", db("langdai"))
                return false
            }, "\(nginx.requests)")

        // One process stops: the other serves everything, a new county's join and snapshot too.
        first.stop()
        try expectSuccess(
            "contact", "add", "--db", db("yanjiao"), "--role", "信息员", "--name", "示例·后加", "--phone", "13700000001")
        let late = try expectSuccess(
            "report", "add", "--db", db("yanjiao"), "--period", "2026-12-H1", "--body", "停机后的进度"
        ).output
        #expect(
            try eventually(40) {
                try expectSuccess("sync", "--db", db("yanjiao"))
                return try exportedRecords(db("yanjiao")).contains {
                    $0.table == "receipt" && $0["record"].string == late && $0["level"].string == "520200"
                }
            }, "the city's receipt of the late report reached the township through the second process")
        try joinNode(db("shuicheng"), url: nginx.url, parentDB: city, org: "520204")
        #expect(try eventually(20) { try Self.live(city, "contact").count == expected + round + 1 })

        // A county's PC replaced: the new one joins for the same org and syncs from nothing,
        // getting what the city holds of the county's scope (the city had received more of
        // the old PC's log than the new one has: it must not take it for a copied-back file).
        let atCity = Set(try Self.live(city, "contact").filter { $0.org.hasPrefix("520203") }.map(\.id))
        try joinNode(db("liuzhi-new"), url: nginx.url, parentDB: city, org: "520203")
        #expect(!atCity.isEmpty)
        #expect(Set(try Self.live(db("liuzhi-new"), "contact").map(\.id)) == atCity)

        for hub in counties.values { hub.stop() }
        second.stop()
        nginx.stop()
    }

    @Test(
        "a city on PostgreSQL served by two processes, each with its upward loop: the province gets every change once, its edits come down; nodes, revoke, and a join refused before its code is spent"
    )
    func twoProcessesWithParent() throws {
        let scratch = try Scratch()
        let database = try PostgresScratchDatabase()
        let city = database.address.description
        func db(_ name: String) -> String { scratch.path("\(name).db") }
        _ = try initNode(db("province"), org: "520000")
        let province = try HubProcess(db: db("province"), scratch: scratch)
        try joinNode(city, hub: province, parentDB: db("province"), org: "520200")
        let first = try HubProcess(db: city, scratch: scratch, syncInterval: 0.2)
        let second = try HubProcess(db: city, scratch: scratch, syncInterval: 0.2)
        // One county pushes to each process, at once.
        try joinNode(db("zhongshan"), hub: first, parentDB: city, org: "520201")
        try joinNode(db("liuzhi"), hub: second, parentDB: city, org: "520203")
        let perCounty = 20
        for (index, county) in ["zhongshan", "liuzhi"].enumerated() {
            for number in 0..<perCounty {
                try expectSuccess(
                    "contact", "add", "--db", db(county), "--role", "信息员", "--name", "示例·\(county)\(number)",
                    "--phone", "139\(String(format: "%04d%04d", index, number))")
            }
        }
        try Self.concurrently([["sync", "--db", db("zhongshan")], ["sync", "--db", db("liuzhi")]])
        #expect(
            try eventually(40) { try Self.live(db("province"), "contact").count == 2 * perCounty },
            "\(first.log)\n\(second.log)")

        // The province corrects a county's record: it comes down through whichever process
        // syncs next, to that county only.
        let corrected = try #require(try Self.live(db("liuzhi"), "contact").first?.id)
        try expectSuccess("contact", "set", "--db", db("province"), corrected, "phone=13922220003")
        #expect(
            try eventually(40) {
                try expectSuccess("sync", "--db", db("liuzhi"))
                return try Self.live(db("liuzhi"), "contact").first { $0.id == corrected }?["phone"].string
                    == "13922220003"
            }, "\(first.log)\n\(second.log)")
        #expect(try !Self.live(db("zhongshan"), "contact").contains { $0.id == corrected })
        #expect(try Self.versionsLoggedTwice(database.address) == 0)
        let status = try JSONValue.decode(try expectSuccess("status", "--db", city, "--json").stdout)
        #expect(status["waiting"]?.int == 0 && status["lastSync"]?.string != nil, "\(status)")

        // The city's operator sees both counties, and revokes one: its syncs are refused.
        let nodes = try JSONValue.decode(try expectSuccess("nodes", "--db", city, "--json").stdout)
        #expect(Set((nodes.array ?? []).compactMap { $0["org"]?.string }) == ["520201", "520203"], "\(nodes)")
        let liuzhi = try #require(
            try JSONValue.decode(try expectSuccess("status", "--db", db("liuzhi"), "--json").stdout)["node"]?.string)
        try expectSuccess("revoke", "--db", city, liuzhi)
        #expect(try TierSyncProcess.run(["sync", "--db", db("liuzhi")]).exitCode != 0)

        // A join into a database that already holds a hub is refused before the code is spent.
        let code = try enrollmentCode(db("province"), org: "520200")
        let refused = try TierSyncProcess.run(["join", "--db", city, "--parent", province.url, "--code", code])
        #expect(refused.exitCode != 0 && refused.stderr.contains("already holds"), "\(refused.stderr)")
        let other = try PostgresScratchDatabase()
        try expectSuccess("join", "--db", other.address.description, "--parent", province.url, "--code", code)
        for hub in [first, second, province] { hub.stop() }
    }

    /// Runs the `tiersync` commands at once, each in its own process; all must succeed.
    static func concurrently(_ commands: [[String]]) throws {
        let failures = NSLock()
        nonisolated(unsafe) var failed: [String] = []
        DispatchQueue.concurrentPerform(iterations: commands.count) { index in
            let result = try? TierSyncProcess.run(commands[index])
            if result?.exitCode != 0 {
                failures.withLock { failed.append("\(commands[index]): \(result?.stderr ?? "did not run")") }
            }
        }
        guard failed.isEmpty else { throw ProcessFailure.unexpected(failed.joined(separator: "\n")) }
    }

    /// The live records of `table` that `tiersync export` prints for the node at `db`.
    static func live(_ db: String, _ table: String) throws -> [RecordJSON] {
        try exportedRecords(db).filter { $0.table == table && !$0.deleted }
    }

    /// The open conflicts of a node, as record, field and value: from PostgreSQL, or from a
    /// SQLite file with the `sqlite3` shell.
    static func openConflicts(_ db: String) throws -> [String] {
        if PostgresAddress.isAddress(db) {
            return try PostgresStore.open(address: try PostgresAddress(parsing: db)).openConflicts()
                .map { "\($0.record) \($0.field) \($0.value)" }.sorted()
        }
        return try SQLiteShell.run(
            db, "SELECT record || ' ' || field || ' ' || value FROM conflict WHERE settled_hlc IS NULL"
        )
        .split(separator: "\n").map(String.init).sorted()
    }

    /// How many versions (table, record, field, node, stamp) the log at `address` holds more
    /// than once.
    static func versionsLoggedTwice(_ address: PostgresAddress) throws -> Int64 {
        let session = try PostgresSession.connect(address, logger: PostgresScratchDatabase.silent)
        defer { try? session.close() }
        return try session.query(
            "SELECT count(*) FROM (SELECT 1 FROM change_log GROUP BY tbl, record, field, node, hlc HAVING count(*) > 1) AS twice"
        ).first?.decode(Int64.self) ?? -1
    }

    static func hostPort(_ url: String) -> String { url.replacingOccurrences(of: "http://", with: "") }
}
