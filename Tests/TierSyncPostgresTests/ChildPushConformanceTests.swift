import Foundation
import GRDB
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// Children's pushes as a hub's group commit takes them (`SyncHub.acceptPushes`): their
/// credentials checked together in one read, then applied in one transaction that also
/// records the children's last contact. Both stores must answer alike.
@Suite(.serialized) struct ChildPushConformanceTests {
    /// What became of a credential or a push, comparable across stores.
    enum Outcome: Equatable {
        case accepted(child: String, applied: Int, known: Int, conflicts: Int)
        case refused(String)

        init(_ result: Result<AcceptedPush, any Error>) {
            switch result {
            case .success(let push):
                self = .accepted(
                    child: push.child.id, applied: push.report.applied, known: push.report.alreadyKnown,
                    conflicts: push.report.conflicts)
            case .failure(let error as DomainError): self = .refused(Self.kind(error))
            case .failure(let error): self = .refused("\(error)")
            }
        }

        static func kind(_ error: DomainError) -> String {
            if case .unauthorized = error.kind { return "unauthorized" }
            return "\(error)"
        }
    }

    @Test(
        "a group's credentials in one read: right, wrong secret, unknown, malformed and replaced, alike on both stores")
    func identifyAlike() throws {
        var random = SplitMix64(seed: 7)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 5)
        defer { hubs.postgres.store.close() }
        var answers: [[String]] = []
        for (name, hub, city) in [
            ("sqlite", hubs.sqlite as any SyncHub, hubs.cityCredential.sqlite),
            ("postgres", hubs.postgres, hubs.cityCredential.postgres),
        ] {
            let cityNode = String(city.prefix { $0 != "." })
            let before = try hub.identify([city, cityNode + ".wrongsecret", "00000000000000ff.secret", "no-dot", city])
            // The city's PC replaced: a node enrolled for the same org revokes the old one.
            let replacement = try hub.acceptEnrollment(
                code: try hub.issueEnrollment(for: "520200", hours: 1).code, node: "00000000000000a3")
            let after = try hub.identify([city, replacement.credential])
            let described = (before + after).map { result in
                switch result {
                case .success(let found): "\(found.child.id) \(found.child.org) \(found.peer.unit.code)"
                case .failure(let error as DomainError): Outcome.kind(error)
                case .failure(let error): "\(error)"
                }
            }
            #expect(
                described == [
                    "\(cityNode) 520200 520200", "unauthorized", "unauthorized", "unauthorized",
                    "\(cityNode) 520200 520200", "unauthorized", "00000000000000a3 520200 520200",
                ], "\(name)")
            answers.append(described)
        }
        #expect(answers[0] == answers[1])
    }

    @Test("a push with a wrong credential is refused alone; the group's others apply and record their child's contact")
    func wrongCredentialRefusedAlone() throws {
        var random = SplitMix64(seed: 11)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        let log = try Editors.log(hubs.editors.editors[0])
        let (first, second) = (Array(log.prefix(log.count / 2)), Array(log.dropFirst(log.count / 2)))
        // Past the staleness of the contact recorded when the city first authenticated.
        hubs.editors.clock.advance(by: 5 * 60_000)
        var outcomes: [[Outcome]] = []
        for (hub, credential) in [
            (hubs.sqlite as any SyncHub, hubs.cityCredential.sqlite), (hubs.postgres, hubs.cityCredential.postgres),
        ] {
            let before = try #require(try hub.identify([credential])[0].get().child.lastContact)
            let results = try hub.acceptPushes([
                ChildPush(credential: credential, changes: first, nodes: hubs.senders, upTo: 1),
                ChildPush(credential: credential + "x", changes: second, nodes: hubs.senders, upTo: 2),
                ChildPush(credential: credential, changes: second, nodes: hubs.senders, upTo: 3),
            ])
            outcomes.append(results.map(Outcome.init))
            let after = try #require(try hub.identify([credential])[0].get().child.lastContact)
            #expect(after > before, "the group's transaction recorded the city's contact")
            #expect(after == ISOTimestamp.format(milliseconds: hubs.editors.clock.nowMilliseconds()))
        }
        let city = hubs.city.sqlite.id
        #expect(outcomes[0].count == 3)
        #expect(outcomes[0][1] == .refused("unauthorized"))
        #expect(
            outcomes[0][0] == .accepted(child: city, applied: first.count, known: 0, conflicts: 0), "\(outcomes[0])")
        guard case .accepted(city, let applied, let known, _) = outcomes[0][2] else {
            Issue.record("the third push was not applied: \(outcomes[0][2])")
            return
        }
        #expect(applied == second.count && known == 0, "\(outcomes[0][2])")
        #expect(outcomes[0] == outcomes[1])
        for name in Editors.tables {
            let table = try #require(hubs.sqlite.store.tables[name])
            let onSQLite = try hubs.sqlite.store.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id").map {
                    try StoredRecord(table: table, row: $0)
                }
            }
            #expect(try hubs.postgres.store.records(of: table) == onSQLite, "\(name)")
        }
    }
}
