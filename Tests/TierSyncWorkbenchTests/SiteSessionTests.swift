import Foundation
import Testing
import TierSyncDomain

/// Sign-in, sessions and CSRF on a live site: what a browser holds, and what a request
/// without a live session or a token can do (nothing).
@Suite struct SiteSessionTests {
    @Test(
        "signing in sets a random session id (HttpOnly, SameSite=Strict), never the password or a credential",
        arguments: LiveSite.Store.allCases)
    func cookie(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
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

    @Test(
        "a POST without the CSRF token is refused and saves nothing; with it, the record is saved",
        arguments: LiveSite.Store.allCases)
    func csrf(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
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

    @Test(
        "an expired session goes back to the sign-in form and saves nothing; sign-out ends it",
        arguments: LiveSite.Store.allCases)
    func expiry(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store, idleLimit: 10 * 60_000)
        defer { site.stop() }
        let session = try #require(try await site.signIn("admin"))
        let token = try await site.csrf("/records/task/new", session: session)
        site.clock.advance(milliseconds: 9 * 60_000)
        #expect(try await site.get("/records", session: session).status == 200, "used within its limit, it lives on")
        site.clock.advance(milliseconds: 11 * 60_000)
        let late = try await site.post(
            "/records/task/new",
            [("csrf", token), ("org", "520201"), ("title", "示例任务"), ("deadline", "2026-12-31"), ("status", "open")],
            session: session)
        #expect(late.status == 303 && late.location == "/login?expired=1")
        #expect(try site.node.list(.task).isEmpty)
        let fresh = try #require(try await site.signIn("admin"))
        let out = try await site.post(
            "/logout", [("csrf", try await site.csrf("/records", session: fresh))], session: fresh)
        #expect(out.status == 303 && out.location == "/login")
        #expect(try await site.get("/records", session: fresh).location == "/login?expired=1")
    }

    @Test("sessions are stored on the node and survive a restart", arguments: LiveSite.Store.allCases)
    func restart(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let session = try #require(try await site.signIn("admin"))
        try await site.restart()
        #expect(try await site.get("/records", session: session).status == 200)
    }

    @Test("repeated wrong passwords slow down the login: even the right one waits", arguments: LiveSite.Store.allCases)
    func throttle(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        for _ in 0..<3 {
            #expect(try await site.post("/login", [("login", "clerk"), ("password", "wrong-password")]).status == 401)
        }
        // The site's clock stands still: the wait after the third failure has not passed.
        let slowed = try await site.post("/login", [("login", "clerk"), ("password", LiveSite.password)])
        #expect(slowed.status == 429 && slowed.body.contains("秒后再试"))
        #expect(try await site.signIn("admin") != nil, "another login is not slowed by the clerk's failures")
        site.clock.advance(milliseconds: 2_000)
        #expect(try await site.signIn("clerk") != nil, "once the wait has passed, the right password signs in")
    }

    @Test(
        "behind the TLS proxy the cookie is Secure; a page without a session redirects to the sign-in form",
        arguments: LiveSite.Store.allCases)
    func proxyAndRedirect(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let answer = try await site.post(
            "/login", [("login", "admin"), ("password", LiveSite.password)], headers: ["X-Forwarded-Proto": "https"])
        #expect(answer.headers["Set-Cookie"]?.hasSuffix("; Secure") == true)
        let page = try await site.get("/orgs/520201")
        #expect(page.status == 303 && page.location == "/login")
    }

    @Test(
        "disabling an account or changing its password ends its sessions; one's own change needs the current password",
        arguments: LiveSite.Store.allCases)
    func accountChanges(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let admin = try #require(try await site.signIn("admin"))
        let clerk = try #require(try await site.signIn("clerk"))
        let token = try await site.csrf("/accounts", session: admin)
        #expect(
            try await site.post("/accounts/clerk", [("csrf", token), ("action", "disable")], session: admin).status
                == 303)
        #expect(try await site.get("/records", session: clerk).location == "/login?expired=1")
        #expect(try await site.signIn("clerk") == nil, "a disabled account cannot sign in")
        #expect(
            try await site.post("/accounts/clerk", [("csrf", token), ("action", "enable")], session: admin).status
                == 303)
        let again = try #require(try await site.signIn("clerk"))
        let own = try await site.csrf("/accounts", session: again)
        let wrong = try await site.post(
            "/accounts/clerk",
            [("csrf", own), ("action", "password"), ("current", "not-it-at-all"), ("new_password", "另一个密码-2026")],
            session: again)
        #expect(wrong.status == 400 && wrong.body.contains(#"data-error="current">当前密码不正确"#))
        let changed = try await site.post(
            "/accounts/clerk",
            [("csrf", own), ("action", "password"), ("current", LiveSite.password), ("new_password", "另一个密码-2026")],
            session: again)
        #expect(changed.status == 303 && changed.location == "/login")
        #expect(try await site.get("/records", session: again).location == "/login?expired=1")
        let third = try #require(try await site.signIn("clerk", password: "另一个密码-2026"))
        let thirdToken = try await site.csrf("/accounts", session: third)
        let byClerk = try await site.post(
            "/accounts/admin", [("csrf", thirdToken), ("action", "disable")], session: third)
        #expect(byClerk.status == 403, "only an admin changes another person's account")
    }
}
