import Foundation
import Synchronization
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// People's accounts on a SQLite node and on a hub on PostgreSQL of the same org, with the
/// same clock: the same accounts made and refused, the same sign-ins, slow-downs, sessions
/// and password changes, in the same words.
@Suite(.serialized) final class AccountConformanceTests {
    let folder: URL
    let database: PostgresScratchDatabase
    let clock = FixedStepClock(1_764_000_000_000)
    let sqlite: TierSyncNode
    let postgres: PostgresHub

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try PostgresScratchDatabase()
        var ids = SplitMix64(seed: 7)
        let id = NodeID.random(using: &ids)
        sqlite = try TierSyncNode.create(
            path: folder.appendingPathComponent("city.db").path, org: "520200", wallClock: clock, nodeID: id)
        postgres = try PostgresHub.create(
            address: database.address, org: "520200", nodeID: id, wallClock: clock,
            logger: PostgresScratchDatabase.silent)
    }

    deinit {
        postgres.store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    var both: [any PeopleAccounts & SyncHub] { [sqlite, postgres] }

    @Test("accounts made, listed and refused alike: a bad login, a login taken, an org outside, a short password")
    func accountsAgree() throws {
        var outcomes: [[String]] = []
        for store in both {
            var seen: [String] = []
            try store.addUser(login: "wang", name: "示例·王一", role: .admin, password: "a-long-password")
            try store.addUser(login: "li", name: " 示例·李二 ", role: .clerk, org: "520203", password: "another-password")
            let attempts: [(String, () throws -> Void)] = [
                ("bad login", { try store.addUser(login: "王", name: "示例", role: .clerk, password: "a-long-password") }),
                ("taken", { try store.addUser(login: "wang", name: "示例", role: .clerk, password: "a-long-password") }),
                (
                    "outside",
                    {
                        try store.addUser(
                            login: "zhao", name: "示例", role: .clerk, org: "520000", password: "a-long-password")
                    }
                ),
                (
                    "unknown org",
                    {
                        try store.addUser(
                            login: "zhao", name: "示例", role: .clerk, org: "999999", password: "a-long-password")
                    }
                ),
                ("short password", { try store.addUser(login: "zhao", name: "示例", role: .clerk, password: "short") }),
                (
                    "no name",
                    { try store.addUser(login: "zhao", name: "  ", role: .clerk, password: "a-long-password") }
                ),
                ("unknown user", { try store.setDisabled(login: "nobody", true) }),
            ]
            for (label, attempt) in attempts {
                seen.append("\(label): " + Self.refusal(attempt))
            }
            seen += try store.users().map { "\($0.login) \($0.name) \($0.role) \($0.org) \($0.createdAt)" }
            outcomes.append(seen)
        }
        #expect(outcomes[0] == outcomes[1], "SQLite \(outcomes[0])\nPostgreSQL \(outcomes[1])")
        #expect(outcomes[0].contains("li 示例·李二 clerk 520203 2025-11-24T16:00:00.000Z"), "\(outcomes[0])")
        #expect(outcomes[0].filter { $0.hasSuffix("not refused") }.isEmpty, "\(outcomes[0])")
        #expect(outcomes[0][2].contains("outside"), "an org above the node's: \(outcomes[0][2])")
    }

    @Test("sign-ins, the slow-down after wrong passwords, sessions, disabling and new passwords: both stores agree")
    func signInsAgree() throws {
        var outcomes: [[String]] = []
        for store in both {
            clock.set(1_764_000_000_000)
            var seen: [String] = []
            func signIn(_ login: String, _ password: String, from address: String = "10.0.0.1") -> String {
                do {
                    let account = try store.checkPassword(login: login, password: password, address: address)
                    return "\(account.login) in, last sign-in \(account.lastSignIn ?? "never")"
                } catch {
                    return Self.refusal { throw error }
                }
            }
            try store.addUser(login: "li", name: "示例·李二", role: .reviewer, org: "520203", password: "first-password")
            seen.append(signIn("li", "first-password"))
            let session = try store.startSession(subject: "user:li")
            let live = try store.session(session, idleLimit: TierSyncNode.defaultIdleLimit)
            guard case .user(let account) = live.subject else { Issue.record("not a person's session"); return }
            seen.append(
                "session of \(account.login) in \(live.scope.code) \(live.scope.name), signed in \(account.lastSignIn ?? "never")"
            )
            // Two wrong passwords are free; the third counts, and the fourth try waits a second.
            for _ in 0..<4 { seen.append(signIn("li", "wrong-password")) }
            seen.append(signIn("li", "first-password"))
            seen.append(signIn("nobody", "first-password", from: "10.0.0.2"))
            clock.advance(by: 1_000)
            seen.append(signIn("li", "first-password"))
            try store.setDisabled(login: "li", true)
            seen.append(
                "session after disabling: " + Self.refusal { _ = try store.session(session, idleLimit: 60_000) })
            seen.append(signIn("li", "first-password"))
            try store.setDisabled(login: "li", false)
            try store.changeOwnPassword(login: "li", current: "first-password", new: "second-password")
            seen.append(
                "own change, current wrong: "
                    + Self.refusal {
                        try store.changeOwnPassword(login: "li", current: "first-password", new: "third-password")
                    })
            seen.append(signIn("li", "first-password", from: "10.0.0.3"))
            seen.append(signIn("li", "second-password", from: "10.0.0.3"))
            let again = try store.startSession(subject: "user:li")
            try store.setPassword(login: "li", password: "reset-password")
            seen.append("session after a reset: " + Self.refusal { _ = try store.session(again, idleLimit: 60_000) })
            seen += try store.users().map {
                "\($0.login) last \($0.lastSignIn ?? "never"), disabled \($0.disabledAt ?? "no")"
            }
            outcomes.append(seen)
        }
        #expect(outcomes[0] == outcomes[1], "SQLite \(outcomes[0])\nPostgreSQL \(outcomes[1])")
        #expect(outcomes[0][2...5].map { $0.hasPrefix("refused") } == [true, true, true, true], "\(outcomes[0])")
        #expect(outcomes[0][5].contains("retry after 1 s"), "\(outcomes[0][5])")
        #expect(outcomes[0][6].contains("retry after"), "a right password waits too: \(outcomes[0][6])")
        #expect(outcomes[0][8].hasPrefix("li in"), "\(outcomes[0])")
    }

    @Test(
        "wrong passwords sent at once are counted one after another: three are checked, the rest wait, on both stores")
    func parallelGuesses() throws {
        var outcomes: [[String]] = []
        for store in both {
            try store.addUser(login: "zhou", name: "示例·周三", role: .clerk, password: "the-right-password")
            let results = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                let outcome = Self.refusal {
                    _ = try store.checkPassword(login: "zhou", password: "guess-\(index)", address: "10.0.1.\(index)")
                }
                results.withLock { $0.append(outcome.hasPrefix("refused throttled") ? "waits" : "checked") }
            }
            outcomes.append(results.withLock { $0.sorted() })
        }
        #expect(outcomes[0] == ["checked", "checked", "checked"] + Array(repeating: "waits", count: 5), "\(outcomes)")
        #expect(outcomes[1] == outcomes[0], "SQLite \(outcomes[0])\nPostgreSQL \(outcomes[1])")
    }

    @Test("a person acting for their unit makes operators of their subtree only, on both stores")
    func operatorsWithinTheActingScope() throws {
        for store in [sqlite as any WorkbenchNode, postgres] {
            let county = try #require(try store.orgUnit("520203"))
            let officer = store.acting(as: Author(login: "qian", name: "示例·钱三"), within: county)
            #expect(try officer.addOperator(name: "示例·值班", org: nil).org == "520203", "\(storeName(store))")
            #expect(throws: DomainError.self, "\(storeName(store))") {
                try officer.addOperator(name: "示例·值班", org: "520200")
            }
        }
    }

    /// What refused `attempt`: its kind and its Chinese wording.
    static func refusal(_ attempt: () throws -> Void) -> String {
        do {
            try attempt()
            return "not refused"
        } catch let error as DomainError {
            let wait = error.retryAfterSeconds.map { ", retry after \($0) s" } ?? ""
            let chinese = error.issues.map { $0.chinese(label: $0.field) }.joined(separator: " ")
            return "refused \(error.kind)\(wait): \(chinese) \(error)"
        } catch {
            return "refused: \(error)"
        }
    }
}
