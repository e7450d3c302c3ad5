import Foundation
import Testing
import TierSyncDomain

/// Sign-in, sessions and CSRF on a live site: what a browser holds, and what a request
/// without a live session or a token can do (nothing).
@Suite struct SiteSessionTests {
    @Test("signing in sets a random session id (HttpOnly, SameSite=Strict), never the password or a credential")
    func cookie() async throws {
        let site = try await LiveSite()
        defer { site.stop() }
        let answer = try await site.post("/login", [("login", "admin"), ("password", LiveSite.password)])
        #expect(answer.status == 303 && answer.location == "/")
        let cookie = try #require(answer.headers["Set-Cookie"])
        #expect(
            cookie.hasPrefix("tiersync_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        #expect(!cookie.contains(LiveSite.password) && !cookie.contains("admin"))
        let officer = try site.node.addOperator(name: "示例·吴官")
        let operatorAnswer = try await site.post("/login", [("login", ""), ("password", officer.credential)])
        #expect(operatorAnswer.status == 303)
        #expect(operatorAnswer.headers["Set-Cookie"]?.contains(officer.credential) == false)
        let wrong = try await site.post("/login", [("login", "admin"), ("password", "wrong-password")])
        #expect(wrong.status == 401 && wrong.headers["Set-Cookie"] == nil && wrong.body.contains("登录名或密码不正确"))
    }

    @Test("a POST without the CSRF token is refused and saves nothing; with it, the record is saved")
    func csrf() async throws {
        let site = try await LiveSite()
        defer { site.stop() }
        let session = try #require(try await site.signIn("admin"))
        let fields = [("org", "520201"), ("role", "information-officer"), ("name", "示例·周八"), ("phone", "13900000008")]
        let forged = try await site.post("/records/contact/new", fields, session: session)
        #expect(forged.status == 403 && forged.body.contains("校验码"))
        #expect(try site.node.list(.contact).isEmpty)
        let token = try await site.csrf("/records/contact/new", session: session)
        let saved = try await site.post("/records/contact/new", [("csrf", token)] + fields, session: session)
        #expect(saved.status == 303 && saved.location?.hasPrefix("/records/contact/") == true)
        #expect(try site.node.list(.contact).map { $0["name"].description } == ["示例·周八"])
    }

    @Test("an expired session goes back to the sign-in form and saves nothing; sign-out ends it")
    func expiry() async throws {
        let site = try await LiveSite(idleLimit: 300)
        defer { site.stop() }
        let session = try #require(try await site.signIn("admin"))
        let token = try await site.csrf("/records/task/new", session: session)
        try await Task.sleep(for: .milliseconds(700))
        let late = try await site.post(
            "/records/task/new",
            [("csrf", token), ("org", "520201"), ("title", "示例任务"), ("deadline", "2026-12-31"), ("status", "open")],
            session: session)
        #expect(late.status == 303 && late.location == "/login?expired=1")
        #expect(try site.node.list(.task).isEmpty)
        let fresh = try #require(try await site.signIn("admin"))
        let out = try await site.post(
            "/logout", [("csrf", try await site.csrf("/records", session: fresh))], session: fresh)
        #expect(out.status == 303 && out.location?.hasPrefix("/login") == true)
        #expect(try await site.get("/records", session: fresh).location?.hasPrefix("/login") == true)
    }

    @Test("sessions are stored on the node and survive a restart")
    func restart() async throws {
        let site = try await LiveSite()
        defer { site.stop() }
        let session = try #require(try await site.signIn("admin"))
        try await site.restart()
        #expect(try await site.get("/records", session: session).status == 200)
    }

    @Test("repeated wrong passwords slow down the login: even the right one waits")
    func throttle() async throws {
        let site = try await LiveSite()
        defer { site.stop() }
        for _ in 0..<3 { _ = try await site.post("/login", [("login", "clerk"), ("password", "wrong-password")]) }
        let slowed = try await site.post("/login", [("login", "clerk"), ("password", LiveSite.password)])
        #expect(slowed.status == 429 && slowed.body.contains("秒后再试"))
        #expect(try await site.signIn("admin") != nil, "another login is not slowed by the clerk's failures")
    }
}
