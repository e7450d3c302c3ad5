import Foundation
import Testing
import TierSyncDomain

/// The sync page's no-network path on a live site: a bundle downloaded for the parent, and a
/// bundle from the parent uploaded as a browser posts a file (multipart).
@Suite struct SyncPageTests {
    @Test(
        "the bundle download carries the node's records, and who made them, to its parent; an upload from the parent is imported whole",
        arguments: LiveSite.Store.allCases)
    func bundles(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let city = try TierSyncNode.create(path: site.directory.appendingPathComponent("city.db").path, org: "520200")
        try city.add(.task, org: "520201", values: ["title": "示例·市里下达的任务", "deadline": "2026-12-31"])
        let session = try #require(try await site.signIn("admin"))
        let created = try await site.post(
            "/records/contact/new",
            [
                ("csrf", try await site.csrf("/records/contact/new", session: session)), ("org", "520201"),
                ("role", "information-officer"), ("name", "示例·区信息员"), ("phone", "13900000061"),
            ], session: session)
        #expect(created.status == 303)

        let download = try await site.get("/sync/bundle", session: session)
        #expect(download.status == 200 && download.headers["Content-Disposition"]?.contains("520201-to-520200") == true)
        let upward = site.directory.appendingPathComponent("up.bundle")
        try download.data.write(to: upward)
        _ = try city.importBundle(path: upward.path)
        #expect(try city.list(.contact).map { $0["name"].description } == ["示例·区信息员"])
        let contact = try #require(try city.list(.contact).first)
        #expect(
            try city.history(.contact, id: contact.id.rawValue).map { $0.author?.name } == [
                "示例·管理员", "示例·管理员", "示例·管理员", "示例·管理员",
            ],
            "who made an edit travels with it to the parent")

        let downward = site.directory.appendingPathComponent("down.bundle")
        try city.exportBundle(to: "520201", path: downward.path)
        let token = try await site.csrf("/sync", session: session)
        let boundary = "----tiersync\(UUID().uuidString)"
        var body = Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"down.bundle\"\r\n".utf8)
        body += Data("Content-Type: application/octet-stream\r\n\r\n".utf8) + (try Data(contentsOf: downward))
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        let upload = try await site.postRaw(
            "/sync/bundle?csrf=\(token)", body, contentType: "multipart/form-data; boundary=\(boundary)",
            session: session)
        #expect(upload.status == 200 && upload.body.contains("已导入来自 520200 的数据包"), "\(upload.body.prefix(300))")
        #expect(try site.node.list(.task).map { $0["title"].description } == ["示例·市里下达的任务"])

        let forged = try await site.postRaw(
            "/sync/bundle", body, contentType: "multipart/form-data; boundary=\(boundary)", session: session)
        #expect(forged.status == 403, "an upload without the token is refused before it is read")
        let broken = try await site.postRaw(
            "/sync/bundle?csrf=\(token)", Data("not a form".utf8), contentType: "multipart/form-data; boundary=",
            session: session)
        #expect(broken.status == 400, "an empty boundary is refused, not a crash")
    }
}

/// The status bar on every page: a clock the parent found wrong is named, with how far off.
@Suite struct StatusBarTests {
    @Test(
        "a node whose clock the parent measured a year ahead says so on every page, in Chinese",
        arguments: LiveSite.Store.allCases)
    func wrongClock(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        try site.node.link(
            to: "http://127.0.0.1:9", org: "520200", node: "00000000000000ee", credential: "00000000000000ee.x")
        let session = try #require(try await site.signIn("admin"))
        let now = site.node.wallClock.nowMilliseconds()
        try site.node.recordClockOffset(hubTime: now - 31_536_000_000, sentAt: now, receivedAt: now)
        let page = try await site.get("/records", session: session)
        #expect(page.body.contains("本机时钟有误：比上级快 365 天"), "\(page.body.prefix(2000))")
        try site.node.recordClockOffset(hubTime: now - 3_000, sentAt: now, receivedAt: now)
        #expect(!(try await site.get("/records", session: session)).body.contains("本机时钟有误"))
    }
}
