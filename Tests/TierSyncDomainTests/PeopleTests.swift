import Foundation
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// People in the domain: every field issue of a form at once, accounts and their roles,
/// sessions and their idle limit, the slow-down after wrong passwords, and who made an edit.
@Suite struct PeopleTests {
    /// A wall clock a test moves on.
    final class SteppingClock: WallClock, @unchecked Sendable {
        private let lock = NSLock()
        private var now = TestNode.now
        func nowMilliseconds() -> Int64 { lock.withLock { now } }
        func advance(_ milliseconds: Int64) { lock.withLock { now += milliseconds } }
    }

    static func node(_ clock: SteppingClock) throws -> (TierSyncNode, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-people-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let node = try TierSyncNode.create(
            path: directory.appendingPathComponent("node.db").path, org: "520201", wallClock: clock)
        return (node, directory)
    }

    @Test("a form's every wrong field is named at once, in the kind's order; the CLI line is the first's")
    func allIssues() throws {
        let test = try TestNode()
        let refusal = try test.refusal {
            try test.node.add(.contact, values: ["wechat": "9x", "phone": "139000011", "role": "信息员"])
        }
        #expect(refusal.unchanged)
        var issues: [FieldIssue] = []
        do { try test.node.add(.contact, values: ["wechat": "9x", "phone": "139000011", "role": "信息员"]) } catch let
            error as DomainError
        {
            issues = error.issues
            #expect(error.description == issues.first?.english)
        }
        #expect(issues.map(\.field) == ["name", "phone", "wechat"])
        #expect(issues.map(\.rule) == [.required(because: nil), .phone, .wechat])
        #expect(issues[0].english == "missing --name for contact: the person's name")
        #expect(issues[1].chinese(label: "电话").hasPrefix("电话“139000011”格式不对"))
        #expect(!issues.contains { $0.chinese(label: $0.field).contains("--") })
    }

    @Test("roles parse by key or Chinese name; a login is checked and used once")
    func accounts() throws {
        #expect(UserRole(parsing: "reviewer") == .reviewer && UserRole(parsing: " 审核员 ") == .reviewer)
        #expect(UserRole(parsing: "boss") == nil)
        let test = try TestNode()
        try test.node.addUser(login: "wang", name: "示例·王一", role: .clerk, org: "520201101", password: "password-1")
        for (login, password) in [("w", "password-1"), ("王", "password-1"), ("li", "short")] {
            #expect(throws: DomainError.self) {
                try test.node.addUser(login: login, name: "示例", role: .clerk, password: password)
            }
        }
        #expect(throws: DomainError.self) {
            try test.node.addUser(login: "wang", name: "x", role: .clerk, password: "password-2")
        }
        #expect(throws: DomainError.self) {
            try test.node.addUser(login: "out", name: "x", role: .clerk, org: "520203", password: "password-2")
        }
        #expect(try test.node.user("wang").passwordHash.hasPrefix("$2"), "bcrypt, never the password")
    }

    @Test("a session lives while used, ends after its idle limit, at sign-out and when the account is disabled")
    func sessions() throws {
        let clock = SteppingClock()
        let (node, directory) = try Self.node(clock)
        defer { try? FileManager.default.removeItem(at: directory) }
        try node.addUser(login: "wang", name: "示例·王一", role: .admin, password: "password-1")
        let id = try node.startSession(subject: "user:wang")
        clock.advance(50 * 60_000)
        #expect(try node.session(id, idleLimit: 3_600_000).scope.code == "520201")
        clock.advance(50 * 60_000)
        #expect(try node.session(id, idleLimit: 3_600_000).csrf.count == 64, "refreshed by the use before")
        clock.advance(61 * 60_000)
        #expect(throws: DomainError.self) { try node.session(id, idleLimit: 3_600_000) }
        let second = try node.startSession(subject: "user:wang")
        try node.setDisabled(login: "wang", true)
        #expect(throws: DomainError.self) { try node.session(second) }
        let stored = try node.store.read { db in try String.fetchAll(db, sql: "SELECT id_hash FROM web_session") }
        #expect(!stored.contains(id) && !stored.contains(second), "only hashes of session ids are kept")
    }

    @Test("wrong passwords slow a login down, doubling; the right one after the wait clears it; quiet forgives")
    func throttle() throws {
        let clock = SteppingClock()
        let (node, directory) = try Self.node(clock)
        defer { try? FileManager.default.removeItem(at: directory) }
        try node.addUser(login: "wang", name: "示例·王一", role: .clerk, password: "password-1")
        func attempt(_ password: String, address: String = "10.0.0.1") -> String {
            do {
                _ = try node.checkPassword(login: "wang", password: password, address: address)
                return "ok"
            } catch let error as DomainError {
                return error.retryAfterSeconds.map { "wait \($0)" } ?? "wrong"
            } catch { return "\(error)" }
        }
        #expect([attempt("x1"), attempt("x2"), attempt("x3")] == ["wrong", "wrong", "wrong"])
        #expect(attempt("password-1") == "wait 1", "even the right password waits")
        clock.advance(1_000)
        #expect(attempt("x4") == "wrong")
        #expect(attempt("password-1", address: "10.0.0.2") == "wait 2", "the wait doubles, per login")
        clock.advance(2_000)
        #expect(attempt("password-1") == "ok")
        #expect(attempt("x5") == "wrong", "a right password started the login afresh")
        clock.advance(16 * 60_000)
        #expect([attempt("x6"), attempt("x7"), attempt("x8")] == ["wrong", "wrong", "wrong"])
        #expect(
            attempt("password-1", address: "10.0.0.3") == "wait 1", "fifteen quiet minutes forgave the earlier ones")
    }

    @Test("edits made for a person name them in the history; a write outside their subtree is refused")
    func authors() throws {
        let test = try TestNode()
        let township = try #require(try test.node.orgs(under: "520201101").first)
        let clerk = test.node.acting(as: Author(login: "wang", name: "示例·王一"), within: township)
        let contact = try clerk.add(
            .contact, org: "520201101", values: ["role": "信息员", "name": "示例·张三", "phone": "13900000001"])
        try test.node.set(.contact, id: contact.id.rawValue, values: ["phone": "13900000002"])
        let history = try test.node.history(.contact, id: contact.id.rawValue)
        #expect(history.filter { $0.field == "phone" }.map { $0.author?.name } == ["示例·王一", nil])
        #expect(history.last?.old == .text("13900000001") && history.last?.new == .text("13900000002"))
        let refusal = try test.refusal {
            try clerk.add(.contact, org: "520201102", values: ["role": "信息员", "name": "示例·越界", "phone": "13900000003"])
        }
        #expect(refusal.unchanged && refusal.message.contains("outside"))
    }
}
