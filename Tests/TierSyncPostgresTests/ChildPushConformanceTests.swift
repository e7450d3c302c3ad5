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
        for (hub, credential) in hubs.withCityCredential {
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
        try expectSameRecords(hubs)
    }

    @Test("a push that fails while it is written is refused alone and the group is applied again, alike on both stores")
    func failsWhileWritten() throws {
        var random = SplitMix64(seed: 13)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        try refuseWhenWritten(hubs)
        let log = try Editors.log(hubs.editors.editors[0])
        let (first, second) = (Array(log.prefix(log.count / 2)), Array(log.dropFirst(log.count / 2)))
        let refused = try refusedChange(hubs)
        var outcomes: [[Outcome]] = []
        for (hub, credential) in hubs.withCityCredential {
            let results = try hub.acceptPushes([
                ChildPush(credential: credential, changes: first, nodes: hubs.senders, upTo: 1),
                ChildPush(credential: credential, changes: [refused], nodes: hubs.senders, upTo: 2),
                ChildPush(credential: credential, changes: second, nodes: hubs.senders, upTo: 3),
            ])
            outcomes.append(results.map(Outcome.init))
            #expect(throws: (any Error).self) { try results[1].get() }
        }
        let city = hubs.city.sqlite.id
        for outcome in outcomes {
            #expect(outcome[0] == .accepted(child: city, applied: first.count, known: 0, conflicts: 0), "\(outcome)")
            guard case .accepted(city, let applied, _, _) = outcome[2], applied > 0 else {
                Issue.record("the push after the refused one was not applied: \(outcome)")
                continue
            }
        }
        // Alike but for the refusal's wording, which is each engine's.
        #expect([outcomes[0][0], outcomes[0][2]] == [outcomes[1][0], outcomes[1][2]])
        try expectSameRecords(hubs)
        #expect(try hubs.sqlite.cursor(for: "520200").receivedSeq == 3)
    }

    @Test(
        "a group of 80 pushes, one failing while written: applied again in parts (PostgreSQL: 64 savepoints a transaction at most), every other push applied, alike on both stores"
    )
    func failsWhileWrittenInALargeGroup() throws {
        var random = SplitMix64(seed: 17)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        try refuseWhenWritten(hubs)
        let log = try Editors.log(hubs.editors.editors[0])
        let refused = try refusedChange(hubs)
        // The refused push is the 70th, past the first part of a PostgreSQL retry.
        var parts = (0..<79).map { index in Array(log.enumerated().filter { $0.offset % 79 == index }.map(\.element)) }
        parts.insert([refused], at: 69)
        var outcomes: [[Outcome]] = []
        for (hub, credential) in hubs.withCityCredential {
            let results = try hub.acceptPushes(
                parts.enumerated().map { index, changes in
                    ChildPush(credential: credential, changes: changes, nodes: hubs.senders, upTo: Int64(index + 1))
                })
            outcomes.append(results.map(Outcome.init))
        }
        let city = hubs.city.sqlite.id
        for outcome in outcomes {
            #expect(outcome.count == 80)
            for (index, result) in outcome.enumerated() {
                if index == 69 {
                    guard case .refused = result else {
                        Issue.record("push 70, which fails while written, was not refused: \(result)")
                        continue
                    }
                } else if case .accepted(city, _, _, _) = result {
                } else {
                    Issue.record("push \(index + 1) of 80 was not applied: \(result)")
                }
            }
        }
        #expect(
            outcomes[0].enumerated().filter { $0.offset != 69 }.map(\.element)
                == outcomes[1].enumerated().filter { $0.offset != 69 }.map(\.element))
        try expectSameRecords(hubs)
        #expect(try hubs.sqlite.cursor(for: "520200").receivedSeq == 80)
    }

    @Test(
        "a lone push that fails while written is refused, and its child's last contact is recorded, alike on both stores"
    )
    func loneFailureRecordsContact() throws {
        var random = SplitMix64(seed: 19)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 5)
        defer { hubs.postgres.store.close() }
        try refuseWhenWritten(hubs)
        let refused = try refusedChange(hubs)
        // Past the staleness of the contact recorded when the city first authenticated.
        hubs.editors.clock.advance(by: 5 * 60_000)
        for (hub, credential) in hubs.withCityCredential {
            let before = try #require(try hub.identify([credential])[0].get().child.lastContact)
            let results = try hub.acceptPushes([
                ChildPush(credential: credential, changes: [refused], nodes: hubs.senders, upTo: 1)
            ])
            #expect(throws: (any Error).self) { try results[0].get() }
            let after = try #require(try hub.identify([credential])[0].get().child.lastContact)
            #expect(after > before, "\(hub): the refused push's child's contact was not recorded")
        }
        try expectSameRecords(hubs)
    }

    /// Nothing a child sends fails only once written, so a trigger on each store stands in
    /// for such a failure (a constraint of a later release, say): a contact named 示例·拒绝.
    func refuseWhenWritten(_ hubs: HubConformanceTests.Hubs) throws {
        try hubs.sqlite.store.write { writer in
            try writer.db.execute(
                sql: """
                    CREATE TRIGGER refuse_test BEFORE INSERT ON contact WHEN NEW.name = '示例·拒绝'
                    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                    """)
        }
        try hubs.postgres.store.write { session in
            try session.query(
                """
                CREATE FUNCTION refuse_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                  IF NEW.name = '示例·拒绝' THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END IF;
                  RETURN NEW; END $$
                """)
            try session.query(
                "CREATE TRIGGER refuse_test BEFORE INSERT ON contact FOR EACH ROW EXECUTE FUNCTION refuse_test()")
        }
    }

    /// A new contact of a township, named so that `refuseWhenWritten`'s trigger refuses it.
    func refusedChange(_ hubs: HubConformanceTests.Hubs) throws -> FieldChange {
        let sender = try #require(hubs.editors.orgs.first { $0.value == "520201" }?.key)
        return FieldChange(
            table: "contact", record: RecordID("5f9619ff-8b86-4011-b42d-00c04fc964ff")!, org: "520201", field: "name",
            value: .text("示例·拒绝"), hlc: HLCTimestamp(physical: hubs.editors.clock.nowMilliseconds(), counter: 0),
            node: sender, versionVector: VersionVector([sender: 1]))
    }

    @Test("two pushes of one group naming one node with different orgs: the later org is kept, alike on both stores")
    func nodeNamedTwice() throws {
        var random = SplitMix64(seed: 17)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 5)
        defer { hubs.postgres.store.close() }
        let node = NodeID("00000000000000e1")!
        var orgs: [String?] = []
        for (hub, credential) in hubs.withCityCredential {
            let results = try hub.acceptPushes([
                ChildPush(credential: credential, changes: [], nodes: [node.rawValue: "520201"], upTo: 1),
                ChildPush(credential: credential, changes: [], nodes: [node.rawValue: "520203"], upTo: 2),
            ])
            #expect(results.map { (try? $0.get()) != nil } == [true, true], "\(results)")
            orgs.append(
                try hub.readingRecords { reader in
                    try reader.rows("SELECT org FROM peer_node WHERE id = ?", [.text(node.rawValue)]).first?[0]
                })
        }
        #expect(orgs == ["520203", "520203"])
    }

    @Test(
        "a child revoked after its group's credentials were read has the group's push refused, nothing of it written, alike on both stores"
    )
    func revokedAfterIdentified() throws {
        var random = SplitMix64(seed: 23)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 10)
        defer { hubs.postgres.store.close() }
        let log = try Editors.log(hubs.editors.editors[0])
        let before = try records(hubs)
        let stores: [(hub: any SyncHub, credential: String, revoke: (String) throws -> Void)] = [
            (hubs.sqlite, hubs.cityCredential.sqlite, hubs.sqlite.revoke(node:)),
            (hubs.postgres, hubs.cityCredential.postgres, hubs.postgres.revoke(node:)),
        ]
        // Past the staleness of the contact recorded when the city first authenticated.
        hubs.editors.clock.advance(by: 5 * 60_000)
        for (hub, credential, revoke) in stores {
            // `acceptPushes`' two steps, with a revocation committed between them.
            let sender = try hub.identify([credential])[0].get()
            try revoke(sender.child.id)
            var push = TierSyncNode.Push(
                changes: log, peer: sender.peer, peerNode: sender.child.id, nodes: hubs.senders, upTo: 1)
            push.contact = sender.child.id
            let results = try hub.acceptAll([push])
            let contact: String? = try hub.readingRecords { reader in
                try reader.rows("SELECT last_contact FROM child_node WHERE id = ?", [.text(sender.child.id)]).first?[0]
            }
            #expect(
                contact == sender.child.lastContact, "\(hub): the refused push recorded its revoked child's contact")
            #expect(results.count == 1)
            #expect(throws: DomainError.self, "\(hub)") { try results[0].get() }
            if case .failure(let error) = results[0] {
                #expect("\(error)".contains("node \(sender.child.id) was revoked at"), "\(error)")
            }
        }
        let after = try records(hubs)
        #expect(after.sqlite == before.sqlite && after.postgres == before.postgres, "nothing of the push was written")
    }

    /// The editors' tables' records on each hub, table by table.
    func records(_ hubs: HubConformanceTests.Hubs) throws -> (sqlite: [[StoredRecord]], postgres: [[StoredRecord]]) {
        var (sqlite, postgres): ([[StoredRecord]], [[StoredRecord]]) = ([], [])
        for name in Editors.tables {
            let table = try #require(hubs.sqlite.store.tables[name])
            sqlite.append(
                try hubs.sqlite.store.read { db in
                    try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id").map {
                        try StoredRecord(table: table, row: $0)
                    }
                })
            postgres.append(try hubs.postgres.store.records(of: table))
        }
        return (sqlite, postgres)
    }

    /// The editors' tables hold the same records on both hubs.
    func expectSameRecords(_ hubs: HubConformanceTests.Hubs) throws {
        let (sqlite, postgres) = try records(hubs)
        for (name, (onSQLite, onPostgres)) in zip(Editors.tables, zip(sqlite, postgres)) {
            #expect(onPostgres == onSQLite, "\(name)")
        }
    }
}
