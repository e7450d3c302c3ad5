import Foundation
import Testing
import TierSyncPostgres

/// The hierarchy of the issue, live: a province, a city, two counties and two townships per
/// county, every hub its own process on loopback; every node a SQLite file, or some hubs on
/// PostgreSQL, each in a database of its own.
@Suite(.serialized, .ownThreads) struct FourLevelTests {
    /// Which hubs keep their records in PostgreSQL.
    enum Layout: String, CustomStringConvertible, CaseIterable {
        /// Every node a SQLite file.
        case sqlite
        /// The province on PostgreSQL: the top hub.
        case postgresProvince
        /// The province and the county 六枝特区 on PostgreSQL: a hub with a SQLite parent and
        /// SQLite children, which a correction from the city crosses on its way down.
        case postgresCounty
        /// The province, the city and 六枝特区 on PostgreSQL: hubs on PostgreSQL syncing with
        /// each other, up and down.
        case postgresHubs
        var description: String { rawValue }

        var onPostgres: Set<String> {
            switch self {
            case .sqlite: []
            case .postgresProvince: ["province"]
            case .postgresCounty: ["province", "liuzhi"]
            case .postgresHubs: ["province", "city", "liuzhi"]
            }
        }
    }

    @Test(
        "offline edits at every level converge across province, city, two counties and four townships",
        arguments: Layout.allCases)
    func hierarchy(layout: Layout) throws {
        let scratch = try Scratch()
        // The databases of the hubs on PostgreSQL, kept until the test ends.
        var databases: [String: PostgresScratchDatabase] = [:]
        for name in layout.onPostgres { databases[name] = try PostgresScratchDatabase() }
        func db(_ name: String) -> String {
            databases[name]?.address.description ?? scratch.path("\(name).db")
        }
        func join(_ name: String, _ hub: HubProcess, _ parent: String, _ org: String) throws {
            try joinNode(db(name), hub: hub, parentDB: db(parent), org: org)
        }
        func contacts(_ name: String) throws -> [String: String] {
            let list = try JSONValue.decode(try expectSuccess("contact", "list", "--db", db(name), "--json").stdout)
            return Dictionary(
                (list["records"]?.array ?? []).map { ($0["id"]?.string ?? "", $0["fields"]?["phone"]?.string ?? "") }
            ) { first, _ in first }
        }
        func add(_ name: String, _ phone: String) throws -> String {
            try expectSuccess(
                "contact", "add", "--db", db(name), "--role", "信息员", "--name", "示例·\(name)", "--phone", phone
            ).output
        }

        _ = try initNode(db("province"), org: "520000")
        let province = try HubProcess(db: db("province"), scratch: scratch)
        try join("city", province, "province", "520200")
        let city = try HubProcess(db: db("city"), scratch: scratch, syncInterval: 0.3)
        try join("zhongshan", city, "city", "520201")
        try join("liuzhi", city, "city", "520203")
        let zhongshan = try HubProcess(db: db("zhongshan"), scratch: scratch, syncInterval: 0.3)
        let liuzhi = try HubProcess(db: db("liuzhi"), scratch: scratch, syncInterval: 0.3)
        let townships = [
            ("dahe", zhongshan, "zhongshan", "520201101"), ("wangjiazhai", zhongshan, "zhongshan", "520201102"),
            ("yanjiao", liuzhi, "liuzhi", "520203102"), ("langdai", liuzhi, "liuzhi", "520203110"),
        ]
        for (name, hub, parent, org) in townships { try join(name, hub, parent, org) }

        // Offline entry at every level, then every township syncs.
        var ids: [String: String] = [:]
        // Every node edits, on either store.
        let editors = ["dahe", "wangjiazhai", "yanjiao", "langdai", "zhongshan", "liuzhi", "city", "province"]
        for (index, name) in editors.enumerated() {
            ids[name] = try add(name, "1390000\(String(format: "%04d", index))")
        }
        // A township's progress report: its arrival at the province comes back down as a receipt.
        let report = try expectSuccess(
            "report", "add", "--db", db("dahe"), "--period", "2026-11-H2", "--body", "本期完成隐患排查12处"
        ).output
        for (name, _, _, _) in townships { try expectSuccess("sync", "--db", db(name)) }
        // The hubs' loops carry it up: the province ends with every record of the province.
        #expect(try eventually(30) { try contacts("province").count == editors.count }, "\(city.log)")
        let arrived = try eventually(30) {
            try expectSuccess("sync", "--db", db("dahe"))
            return try exportedRecords(db("dahe")).contains {
                $0.table == "receipt" && $0["record"].string == report && $0["level"].string == "520000"
                    && $0["event"].string == "arrived"
            }
        }
        #expect(arrived, "the province's receipt of the report reached the township")

        // A concurrent edit of one contact at a township and at its county.
        let contested = ids["dahe"]!
        try expectSuccess("contact", "set", "--db", db("dahe"), contested, "phone=13911110001")
        try expectSuccess("contact", "set", "--db", db("zhongshan"), contested, "phone=13911110002")
        try expectSuccess("sync", "--db", db("dahe"))
        // The city edits a township's record: it must reach that township only (across
        // 六枝特区, when that county is on PostgreSQL). And it sends a directive down to all.
        let corrected = ids["yanjiao"]!
        try expectSuccess("contact", "set", "--db", db("city"), corrected, "phone=13922220003")
        let directive = try expectSuccess(
            "directive", "add", "--db", db("city"), "--title", "防汛通知", "--body", "各乡镇做好汛期值守"
        ).output
        func directives(_ name: String) throws -> [String] {
            let list = try JSONValue.decode(
                try expectSuccess("directive", "list", "--db", db(name), "--shared", "--json").stdout)
            return (list["records"]?.array ?? []).compactMap { $0["id"]?.string }
        }
        let converged = try eventually(30) {
            for (name, _, _, _) in townships { try expectSuccess("sync", "--db", db(name)) }
            let shown = try ["dahe", "zhongshan", "city", "province"].map { try contacts($0)[contested] }
            let correction = try contacts("yanjiao")[corrected]
            let reached = try townships.allSatisfy { try directives($0.0) == [directive] }
            return Set(shown).count == 1 && shown[0] != nil && correction == "13922220003" && reached
        }
        #expect(converged, "the contested contact, the city's correction and its directive reached every level")
        // Every node shows what is in its scope and nothing else.
        let made = { (names: [String]) in Set(names.compactMap { ids[$0] }) }
        #expect(Set(try contacts("dahe").keys) == [ids["dahe"]!])
        #expect(Set(try contacts("zhongshan").keys) == made(["dahe", "wangjiazhai", "zhongshan"]))
        #expect(Set(try contacts("liuzhi").keys) == made(["yanjiao", "langdai", "liuzhi"]))
        #expect(Set(try contacts("city").keys) == made(editors.filter { $0 != "province" }))
        #expect(try contacts("province").count == editors.count)
        // A hub on PostgreSQL with a parent reports its syncs as a SQLite node does.
        for name in layout.onPostgres where name != "province" {
            let status = try JSONValue.decode(try expectSuccess("status", "--db", db(name), "--json").stdout)
            #expect(status["lastSync"]?.string != nil && status["parent"]?.string != nil, "\(name): \(status)")
            // And `doctor` finds the server, the parent and the clock well.
            try expectSuccess("doctor", "--db", db(name))
        }

        // The conflict is kept at the county and above; resolving it at the province (on
        // PostgreSQL in three layouts) settles it everywhere, down to the township.
        func openConflicts(_ name: String) throws -> [JSONValue] {
            let list = try JSONValue.decode(try expectSuccess("conflicts", "list", "--db", db(name), "--json").stdout)
            return (list["conflicts"]?.array ?? []).filter { $0["record"]?.string == contested }
        }
        #expect(try eventually(30) { try !openConflicts("zhongshan").isEmpty }, "the county kept the conflict")
        let listed = try JSONValue.decode(
            try expectSuccess("conflicts", "list", "--db", db("province"), "--json").stdout)
        let conflict = try #require(
            listed["conflicts"]?.array?.first { $0["record"]?.string == contested }?["id"]?.int, "\(listed)")
        try expectSuccess("conflicts", "resolve", "--db", db("province"), String(conflict), "--value", "13911110009")
        let settled = try eventually(30) {
            try expectSuccess("sync", "--db", db("dahe"))
            return try ["dahe", "zhongshan", "city", "province"].allSatisfy {
                try contacts($0)[contested] == "13911110009"
            }
        }
        #expect(settled)
        for name in ["dahe", "zhongshan", "province"] {
            #expect(try openConflicts(name).isEmpty, "\(name) still lists the resolved conflict")
        }
        // A hub writes only inside its subtree, on either store.
        let outside = try tiersync(
            "contact", "add", "--db", db("city"), "--org", "520000", "--role", "信息员", "--name", "示例·越级",
            "--phone", "13900000099")
        #expect(!outside.succeeded && outside.stderr.contains("outside this node's subtree"), "\(outside.summary)")
        // The org hierarchy a hub lists, on either store, is the one a SQLite node lists.
        func orgCodes(_ name: String) throws -> [String] {
            let units = try JSONValue.decode(
                try expectSuccess("orgs", "--db", db(name), "--under", "520203", "--json").stdout)
            return (units.array ?? []).compactMap { $0["code"]?.string }
        }
        #expect(try orgCodes("province").count > 1)
        #expect(try orgCodes("province") == orgCodes("dahe"))
        // The province deletes its own contact, on either store: a tombstone, shown as such.
        let own = ids["province"]!
        try expectSuccess("contact", "delete", "--db", db("province"), own)
        let shown = try JSONValue.decode(
            try expectSuccess("contact", "show", "--db", db("province"), own, "--json").stdout)
        #expect(shown["deleted"] == .bool(true) && shown["id"]?.string == own, "\(shown)")
        #expect(try contacts("province")[own] == nil)

        // The procedures between levels, on either store: 六枝特区 files its plan with the
        // city, which accepts it; a township and 六枝特区 read the city's directive; the city
        // keeps a reserve of its own, whose balance the province reads.
        let plan = try expectSuccess(
            "plan", "add", "--db", db("liuzhi"), "--title", "示例·六枝特区防汛预案", "--level", "overall", "--status",
            "published"
        ).output
        try expectSuccess("plan", "file", "--db", db("liuzhi"), plan, "--with", "520200")
        for name in ["yanjiao", "liuzhi"] { try expectSuccess("directive", "read", "--db", db(name), directive) }
        // The city attaches its document to the directive: the bytes follow it down to a township.
        let document = scratch.path("防汛通知.txt")
        try Data(String(repeating: "各乡镇做好汛期值守。\n", count: 5000).utf8).write(to: URL(fileURLWithPath: document))
        let attachment = try expectSuccess("attach", "directive", directive, document, "--db", db("city")).output
        let copy = scratch.path("yanjiao-copy.txt")
        let delivered = try eventually(30) {
            try expectSuccess("sync", "--db", db("yanjiao"))
            guard try tiersync("attachments", "get", "--db", db("yanjiao"), attachment, "--out", copy).succeeded
            else { return false }
            return try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: document))
        }
        #expect(delivered, "the city's document reached 岩脚镇 whole")
        try expectSuccess("sync", "--db", db("yanjiao"))
        let filed = try eventually(30) {
            let list = try JSONValue.decode(try expectSuccess("filings", "--db", db("city"), "--json").stdout)
            return list["filings"]?.array?.compactMap { $0["id"]?.string } == [plan]
        }
        #expect(filed, "the plan 六枝特区 filed reached the city")
        try expectSuccess("plan", "verdict", "--db", db("city"), plan, "accepted", "--note", "同意备案")
        let approved = try eventually(30) {
            let shown = try JSONValue.decode(
                try expectSuccess("plan", "show", "--db", db("liuzhi"), plan, "--json").stdout)
            return shown["fields"]?["approved_by"]?.string == "520200"
        }
        #expect(approved, "the city's verdict approved the plan at 六枝特区")
        let read = try eventually(30) {
            try expectSuccess("sync", "--db", db("yanjiao"))
            let units = try JSONValue.decode(
                try expectSuccess("directive", "receipts", "--db", db("city"), directive, "--json").stdout)
            let readAt = Set(
                (units["units"]?.array ?? []).filter { $0["read"]?.string != nil }.compactMap { $0["org"]?.string })
            return readAt == ["520203", "520203102"]
        }
        #expect(read, "the city sees who read its directive")
        try expectSuccess(
            "stock", "receive", "--db", db("city"), "--item", "帐篷", "--site", "市级储备库", "--quantity", "40",
            "--category", "生活保障类", "--unit", "顶")
        try expectSuccess("stock", "issue", "--db", db("city"), "--item", "帐篷", "--site", "市级储备库", "--quantity", "15")
        let reserve = try eventually(30) {
            let list = try JSONValue.decode(
                try expectSuccess("stock", "balance", "--db", db("province"), "--org", "520200", "--json").stdout)
            return (list["balances"]?.array ?? []).map { "\($0["site"]?.string ?? "") \($0["quantity"]?.number ?? -1)" }
                == ["市级储备库 25.0"]
        }
        #expect(reserve, "the city's reserve balance reached the province")
        for hub in [province, city, zhongshan, liuzhi] { hub.stop() }
    }
}
