import Testing
import TierSyncCore

@testable import TierSyncDomain

/// Every validation rule refuses bad input with a message naming the field, the value and
/// what is allowed, and writes nothing.
@Suite struct ValidationTests {
    let t: TestNode
    init() throws { t = try TestNode() }

    func contact(_ overrides: [String: String] = [:]) -> [String: String] {
        ["role": "information-officer", "name": "测试", "phone": "13900001111"].merging(overrides) { $1 }
    }

    @Test(
        "bad values are refused with the field, the value and what is allowed",
        arguments: [
            (["phone": "139000011"], ["invalid phone '139000011'", "11 digits"]),
            (["phone": "12900001111"], ["invalid phone", "13–19"]),
            (["phone": "0858-12"], ["invalid phone '0858-12'", "landline"]),
            (["role": "mayor"], ["invalid role 'mayor'", "information-officer (信息员)"]),
            (["hazard": "火山"], ["invalid hazard '火山'", "geological-disaster (地质灾害)"]),
            (["last-confirmed": "2026-02-30"], ["invalid last-confirmed '2026-02-30'", "YYYY-MM-DD"]),
            (["wechat": "1abc"], ["invalid wechat '1abc'", "starting with a letter"]),
            (["age": "40"], ["unknown field 'age' for contact", "phone"]),
            (["name": ""], ["invalid name ''", "required"]),
            (["name": "测\u{0}试"], ["invalid name '测\\0试'", "without the NUL character"]),
        ])
    func badContactValues(overrides: [String: String], fragments: [String]) throws {
        let result = try t.refusal { try t.node.add(.contact, values: contact(overrides)) }
        #expect(result.unchanged)
        #expect(fragments.allSatisfy(result.message.contains), "\(result.message)")
    }

    @Test("Chinese names and English keys are both accepted and stored as the key")
    func vocabularyBothWays() throws {
        let chinese = try t.node.add(.contact, values: contact(["role": "信息员", "hazard": "地质灾害"]))
        let english = try t.node.add(
            .contact, values: contact(["role": "information-officer", "hazard": "geological-disaster"]))
        #expect(chinese["role"] == .text("information-officer") && english["role"] == chinese["role"])
        #expect(chinese["hazard"] == english["hazard"])
        #expect(chinese["last_confirmed"] == .text("2026-11-29"))
    }

    @Test("a missing required field is refused, naming its flag")
    func missingRequired() throws {
        let result = try t.refusal { try t.node.add(.contact, values: ["role": "liaison", "name": "王五"]) }
        #expect(result.unchanged && result.message.contains("missing --phone for contact"), "\(result.message)")
    }

    @Test("an unknown org, and one outside the node's subtree, are refused")
    func orgs() throws {
        let unknown = try t.refusal { try t.node.add(.contact, org: "999999", values: contact()) }
        #expect(unknown.unchanged && unknown.message.contains("unknown org '999999'"), "\(unknown.message)")
        let sibling = try t.refusal { try t.node.add(.contact, org: "520203", values: contact()) }
        #expect(
            sibling.unchanged && sibling.message.contains("org 520203 is outside this node's subtree (520201)"),
            "\(sibling.message)")
        let township = try t.node.add(.contact, org: "520201101", values: contact())
        #expect(township.org == "520201101")
    }

    @Test("a special plan needs a category; a filing needs the org it is filed with")
    func planRules() throws {
        let noCategory = try t.refusal { try t.node.add(.plan, values: ["title": "防汛预案", "level": "special"]) }
        #expect(
            noCategory.unchanged && noCategory.message.contains("missing category for plan"), "\(noCategory.message)")
        let noFiledWith = try t.refusal {
            try t.node.add(.plan, values: ["title": "总体预案", "level": "overall", "filed-on": "2026-03-01"])
        }
        #expect(noFiledWith.unchanged && noFiledWith.message.contains("missing filed-with"), "\(noFiledWith.message)")
        let plan = try t.node.add(
            .plan,
            values: [
                "title": "地质灾害应急预案", "level": "专项应急预案", "category": "地质灾害", "documents": "工作手册、处置明白卡",
                "filed-with": "520200", "filed-on": "2026-03-01", "filing-verdict": "pending",
                "revision-deadline": "2027-03-01",
            ])
        let ownVerdict = try t.refusal {
            try t.node.set(.plan, id: plan.id.rawValue, values: ["filing-verdict": "accepted"])
        }
        #expect(
            ownVerdict.unchanged && ownVerdict.message.contains("recorded by the org the plan is filed with"),
            "\(ownVerdict.message)")
        #expect(plan["documents"] == .text("work-manual,response-card"))
        #expect(plan["status"] == .text("drafting"))
        let unset = try t.refusal { try t.node.set(.plan, id: plan.id.rawValue, values: ["category": ""]) }
        #expect(unset.unchanged && unset.message.contains("missing category"), "\(unset.message)")
    }

    @Test("drills: participants a whole number from 0, the plan an existing one, a real date")
    func drillRules() throws {
        let base = ["title": "防汛演练", "kind": "桌面推演", "date": "2026-06-01", "participants": "30"]
        for (override, fragment) in [
            (["participants": "-3"], "invalid participants '-3'"),
            (["participants": "many"], "invalid participants 'many'"),
            (["plan": "6f9619ff-8b86-d011-b42d-00c04fc964ff"], "the id of an existing plan record"),
            (["date": "2026-06-31"], "invalid held-on '2026-06-31'"), (["kind": "exercise"], "tabletop (桌面推演)"),
        ] {
            let result = try t.refusal { try t.node.add(.drill, values: base.merging(override) { $1 }) }
            #expect(result.unchanged && result.message.contains(fragment), "\(result.message)")
        }
        #expect(try t.node.add(.drill, values: base)["held_on"] == .text("2026-06-01"))
    }

    @Test("reports: the period is a half month; submitted-at defaults to now, typed times are China time")
    func reportRules() throws {
        let bad = try t.refusal { try t.node.add(.report, values: ["period": "2026-11", "text": "进展"]) }
        #expect(
            bad.unchanged && bad.message.contains("invalid period '2026-11'") && bad.message.contains("YYYY-MM-H1"),
            "\(bad.message)")
        let now = try t.node.add(.report, values: ["period": "2026-11-h1", "text": "本期完成预案修订"])
        #expect(now["period"] == .text("2026-11-H1"))
        #expect(now["submitted_at"] == .text("2026-11-29T02:00:00Z"))
        let typed = try t.node.add(
            .report, values: ["period": "2026-11-H2", "body": "x", "submitted-at": "2026-11-30 18:00"])
        #expect(typed["submitted_at"] == .text("2026-11-30T10:00:00Z"))
        let badTime = try t.refusal {
            try t.node.add(.report, values: ["period": "2026-11-H2", "body": "x", "submitted-at": "yesterday"])
        }
        #expect(badTime.unchanged && badTime.message.contains("invalid submitted-at 'yesterday'"))
    }

    @Test("a deleted record cannot be changed, and ids that do not exist are named")
    func deletedAndMissing() throws {
        let record = try t.node.add(.contact, values: contact())
        try t.node.delete(.contact, id: record.id.rawValue)
        let change = try t.refusal { try t.node.set(.contact, id: record.id.rawValue, values: ["name": "x"]) }
        #expect(change.unchanged && change.message.contains("is deleted"), "\(change.message)")
        let missing = try t.refusal { try t.node.set(.contact, id: "nope", values: ["name": "x"]) }
        #expect(missing.unchanged && missing.message.contains("no contact with id nope"))
        #expect(try t.node.list(.contact).isEmpty)
        #expect(try t.node.list(.contact, includeDeleted: true).count == 1)
    }
}
