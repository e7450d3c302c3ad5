import Foundation
import Testing

/// The hierarchy of the issue, live: a province, a city, two counties and two townships per
/// county, every node its own SQLite file, every hub its own process on loopback.
@Suite(.serialized) struct FourLevelTests {
    @Test("offline edits at every level converge across province, city, two counties and four townships")
    func hierarchy() throws {
        let scratch = try Scratch()
        func db(_ name: String) -> String { scratch.path("\(name).db") }
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
        for (index, name) in ["dahe", "wangjiazhai", "yanjiao", "langdai", "zhongshan", "liuzhi", "city", "province"]
            .enumerated()
        {
            ids[name] = try add(name, "1390000\(String(format: "%04d", index))")
        }
        for (name, _, _, _) in townships { try expectSuccess("sync", "--db", db(name)) }
        // The hubs' loops carry it up: the province ends with every record of the province.
        #expect(try eventually(30) { try contacts("province").count == 8 }, "\(city.log)")

        // A concurrent edit of one contact at a township and at its county.
        let contested = ids["dahe"]!
        try expectSuccess("contact", "set", "--db", db("dahe"), contested, "phone=13911110001")
        try expectSuccess("contact", "set", "--db", db("zhongshan"), contested, "phone=13911110002")
        try expectSuccess("sync", "--db", db("dahe"))
        // The city edits a township's record: it must reach that township only.
        try expectSuccess("contact", "set", "--db", db("city"), ids["yanjiao"]!, "phone=13922220003")
        let converged = try eventually(30) {
            for (name, _, _, _) in townships { try expectSuccess("sync", "--db", db(name)) }
            let shown = try ["dahe", "zhongshan", "city", "province"].map { try contacts($0)[contested] }
            let corrected = try contacts("yanjiao")[ids["yanjiao"]!]
            return Set(shown).count == 1 && shown[0] != nil && corrected == "13922220003"
        }
        #expect(converged)
        // Every node shows what is in its scope and nothing else.
        #expect(Set(try contacts("dahe").keys) == [ids["dahe"]!])
        #expect(Set(try contacts("zhongshan").keys) == Set(["dahe", "wangjiazhai", "zhongshan"].map { ids[$0]! }))
        #expect(Set(try contacts("liuzhi").keys) == Set(["yanjiao", "langdai", "liuzhi"].map { ids[$0]! }))
        #expect(try contacts("city").count == 7 && contacts("province").count == 8)

        // The conflict is listed at the township and its county; resolving it at the county
        // settles it everywhere.
        let listed = try JSONValue.decode(
            try expectSuccess("conflicts", "list", "--db", db("zhongshan"), "--json").stdout)
        let conflict = try #require(listed["conflicts"]?.array?.first?["id"]?.int)
        try expectSuccess("conflicts", "resolve", "--db", db("zhongshan"), String(conflict), "--value", "13911110009")
        let settled = try eventually(30) {
            try expectSuccess("sync", "--db", db("dahe"))
            return try ["dahe", "zhongshan", "city", "province"].allSatisfy {
                try contacts($0)[contested] == "13911110009"
            }
        }
        #expect(settled)
        let open = try JSONValue.decode(try expectSuccess("conflicts", "list", "--db", db("dahe"), "--json").stdout)
        #expect(open["conflicts"]?.array?.isEmpty == true)
        for hub in [province, city, zhongshan, liuzhi] { hub.stop() }
    }
}
