import Foundation
import Testing
import TierSyncDomain

/// The record pages on a live site: errors in Chinese beside the field with the typed value
/// kept, nothing half-saved, a clerk's org, history with who made each change.
@Suite struct RecordPageTests {
    @Test(
        "a bad phone: the Chinese error stands beside the field, every value typed is kept, nothing is saved",
        arguments: LiveSite.Store.allCases)
    func validation(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let session = try #require(try await site.signIn("clerk"))
        let token = try await site.csrf("/records/contact/new", session: session)
        let answer = try await site.post(
            "/records/contact/new",
            [
                ("csrf", token), ("org", "520201101"), ("role", "information-officer"), ("name", "示例·吴九"),
                ("phone", "139000011"),
                ("wechat", "x"),
            ],
            session: session)
        #expect(answer.status == 400)
        #expect(answer.body.contains(#"data-error="phone">电话“139000011”格式不对"#))
        #expect(answer.body.contains(#"data-error="wechat">"#), "every wrong field is named at once")
        #expect(answer.body.contains(#"name="name" value="示例·吴九""#) && answer.body.contains(#"value="139000011""#))
        #expect(!answer.body.contains("--phone"), "a clerk never sees a flag name")
        #expect(try site.node.list(.contact).isEmpty)
    }

    @Test("a clerk is refused outside their org, and sees only their subtree", arguments: LiveSite.Store.allCases)
    func clerkScope(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let sibling = try site.node.add(
            .contact, org: "520201102", values: ["role": "信息员", "name": "示例·邻镇", "phone": "13900000012"])
        let session = try #require(try await site.signIn("clerk"))
        #expect(try await site.get("/records/contact/\(sibling.id.rawValue)", session: session).status == 403)
        let token = try await site.csrf("/records/contact/new", session: session)
        let outside = try await site.post(
            "/records/contact/new",
            [
                ("csrf", token), ("org", "520201102"), ("role", "information-officer"), ("name", "示例·越权"),
                ("phone", "13900000013"),
            ],
            session: session)
        #expect(outside.status == 403 && outside.body.contains("不在可填报的范围"))
        #expect(try site.node.list(.contact).count == 1)
        let list = try await site.get("/records/contact", session: session)
        #expect(!list.body.contains("示例·邻镇"))
        let accounts = try await site.post(
            "/accounts", [("csrf", token), ("login", "x1"), ("name", "x"), ("password", "12345678")], session: session)
        #expect(accounts.status == 403 && accounts.body.contains("需要管理员账号"), "only admins manage accounts")
    }

    @Test(
        "a record's page shows its history: who, on which node, old → new; delete leaves a tombstone",
        arguments: LiveSite.Store.allCases)
    func historyAndDelete(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let session = try #require(try await site.signIn("admin"))
        let token = try await site.csrf("/records/contact/new", session: session)
        let created = try await site.post(
            "/records/contact/new",
            [("csrf", token), ("org", "520201"), ("role", "liaison"), ("name", "示例·郑十"), ("phone", "13900000010")],
            session: session)
        let path = try #require(created.location?.split(separator: "?").first.map(String.init))
        let record = try site.node.list(.contact)[0]
        var fields = [("csrf", token)]
        for spec in RecordKind.contact.fields {
            fields.append((spec.field, spec.field == "phone" ? "13900000020" : record[spec.field].description))
        }
        #expect(try await site.post(path, fields, session: session).status == 303)
        let page = try await site.get(path, session: session).body
        #expect(page.contains("<td>13900000010</td><td>13900000020</td><td data-key=\"author\">示例·管理员</td>"))
        #expect(page.contains(site.node.hubNode.rawValue))
        #expect(try await site.get(path + "/delete", session: session).body.contains("确认删除"))
        #expect(try await site.post(path + "/delete", [("csrf", token)], session: session).status == 303)
        #expect(try site.node.list(.contact, under: nil, includeDeleted: true, shared: false).map(\.deleted) == [true])
    }

    @Test(
        "an issue of more stock than the site holds is refused beside the quantity", arguments: LiveSite.Store.allCases)
    func stock(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let session = try #require(try await site.signIn("admin"))
        let token = try await site.csrf("/stock/receive", session: session)
        let received = try await site.post(
            "/stock/receive",
            [
                ("csrf", token), ("org", "520201"), ("item", "帐篷"), ("category", "life-support"), ("unit", "顶"),
                ("site", "区物资库"),
                ("quantity", "10"),
            ], session: session)
        #expect(received.status == 303)
        let issued = try await site.post(
            "/stock/issue", [("csrf", token), ("org", "520201"), ("item", "帐篷"), ("site", "区物资库"), ("quantity", "12")],
            session: session)
        #expect(issued.status == 400 && issued.body.contains(#"data-error="quantity">库存不足：该库点现有 10"#))
        #expect(try site.node.stockBalances(under: nil).map(\.quantity) == [10])
    }

    @Test(
        "a clerk cannot move stock out of their unit, nor settle a conflict; an admin of a township cannot enroll for the node",
        arguments: LiveSite.Store.allCases)
    func clerkLimits(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        try site.node.recordStock(
            .receive,
            .init(
                org: "520201101", item: "帐篷", site: "镇库", quantity: "10", newItem: ["category": "生活保障类", "unit": "顶"]))
        let session = try #require(try await site.signIn("clerk"))
        let token = try await site.csrf("/stock/transfer", session: session)
        let transfer = try await site.post(
            "/stock/transfer",
            [
                ("csrf", token), ("org", "520201101"), ("item", "帐篷"), ("site", "镇库"), ("quantity", "2"),
                ("to_org", "520201102"),
                ("to_site", "邻镇库"),
            ], session: session)
        #expect(transfer.status == 403 && transfer.body.contains("不在可填报的范围"))
        #expect(try site.node.stockBalances(under: nil).map(\.quantity) == [10])
        #expect(
            try await site.post("/conflicts/1", [("csrf", token), ("keep", "current")], session: session).status == 403)
        try site.node.addUser(
            login: "townadmin", name: "示例·镇管理员", role: .admin, org: "520201101", password: LiveSite.password)
        let townAdmin = try #require(try await site.signIn("townadmin"))
        let adminToken = try await site.csrf("/sync", session: townAdmin)
        let enroll = try await site.post(
            "/sync/enroll", [("csrf", adminToken), ("org", "520201102")], session: townAdmin)
        #expect(enroll.status == 403 && enroll.body.contains("涉及整个节点"))
        #expect(try await site.get("/sync/bundle", session: townAdmin).status == 403)
        let add = try await site.post(
            "/accounts",
            [
                ("csrf", adminToken), ("login", "x2"), ("name", "示例"), ("role", "clerk"), ("org", "520201102"),
                ("password", "12345678"),
            ], session: townAdmin)
        #expect(
            add.status == 403 && add.body.contains(#"data-error="org""#),
            "an account outside their unit, refused beside the field")
    }

    @Test(
        "a list searches, filters, sorts and pages in the person's subtree; a huge page number is only the last page",
        arguments: LiveSite.Store.allCases)
    func list(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        for index in 0..<60 {
            try site.node.add(
                .contact, org: index % 2 == 0 ? "520201101" : "520201102",
                values: [
                    "role": index % 3 == 0 ? "信息员" : "联络员", "name": "示例·\(index)号",
                    "phone": "139000001\(String(format: "%02d", index))",
                ])
        }
        let session = try #require(try await site.signIn("admin"))
        let first = try await site.get("/records/contact", session: session)
        #expect(first.body.contains("第 1–50 条，共 60 条") && first.body.contains(#"rel="next""#))
        let second = try await site.get("/records/contact?page=2", session: session)
        #expect(second.body.contains("第 51–60 条，共 60 条") && !second.body.contains(#"rel="next""#))
        let filtered = try await site.get("/records/contact?role=information-officer&org=520201101", session: session)
        #expect(filtered.body.contains("共 10 条"), "every sixth contact: officers of 大河镇")
        let searched = try await site.get("/records/contact?q=%E7%A4%BA%E4%BE%8B%C2%B75%E5%8F%B7", session: session)
        #expect(searched.body.contains("共 1 条") && searched.body.contains("示例·5号"))
        let sorted = try await site.get("/records/contact?sort=phone&dir=asc", session: session)
        let phones = sorted.body.ranges(of: #"data-key="phone">139"#).count
        #expect(
            phones == 50
                && sorted.body.range(of: "13900000100")!.lowerBound < sorted.body.range(of: "13900000101")!.lowerBound)
        let huge = try await site.get("/records/contact?page=999999999999999999999", session: session)
        #expect(huge.status == 200 && huge.body.contains("共 60 条"))
        let clerk = try #require(try await site.signIn("clerk"))
        #expect(
            try await site.get("/records/contact", session: clerk).body.contains("共 30 条"),
            "a clerk lists their township only")
    }
}
