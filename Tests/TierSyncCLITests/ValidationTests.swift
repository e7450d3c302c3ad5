import Foundation
import Testing

/// Bad input through the CLI: every refusal exits non-zero, prints exactly one line on
/// standard error naming the field and the bad value, and writes nothing.
@Suite("validation through the CLI", .ownThreads) struct ValidationTests {
    let scratch: Scratch
    let db: String
    let contactID: String

    /// A county node (钟山区) that already holds a contact, a plan and 20 tents at 一号库,
    /// so that "writes nothing" is checked against a node with data.
    init() throws {
        scratch = try Scratch()
        db = scratch.path("county.db")
        try initNode(db, org: "520201")
        contactID = try addRecord(
            "contact", db: db, ["--role", "信息员", "--name", "测试甲", "--phone", "13900001111"]
        ).id
        _ = try addRecord("plan", db: db, ["--title", "总体预案", "--level", "overall"])
        try expectSuccess(
            "stock", "receive", "--db", db, "--item", "帐篷", "--category", "生活保障类", "--unit", "顶",
            "--site", "一号库",
            "--quantity", "20")
    }

    @Test("a malformed phone number is refused")
    func malformedPhone() throws {
        try expectRefusal(
            db: db,
            ["contact", "add", "--db", db, "--role", "信息员", "--name", "测试乙", "--phone", "1390000111"],
            mentions: ["phone", "1390000111"])
        try expectRefusal(
            db: db,
            ["contact", "add", "--db", db, "--role", "信息员", "--name", "测试乙", "--phone", "12345678901"],
            mentions: ["phone", "12345678901"])
    }

    @Test("a malformed phone number in set is refused and the record keeps its number")
    func malformedPhoneOnSet() throws {
        try expectRefusal(
            db: db, ["contact", "set", "--db", db, contactID, "phone=phone-me"],
            mentions: ["phone", "phone-me"])
        let shown = try RecordJSON.decode(
            try expectSuccess("contact", "show", "--db", db, contactID, "--json").stdout)
        #expect(shown["phone"] == "13900001111")
    }

    @Test("an unknown plan category is refused")
    func unknownCategory() throws {
        try expectRefusal(
            db: db,
            ["plan", "add", "--db", db, "--title", "预案", "--level", "special", "--category", "外星入侵"],
            mentions: ["category", "外星入侵"])
    }

    @Test("an unknown contact role is refused")
    func unknownRole() throws {
        try expectRefusal(
            db: db,
            ["contact", "add", "--db", db, "--role", "厨师", "--name", "测试乙", "--phone", "13900002222"],
            mentions: ["role", "厨师"])
    }

    @Test("a date that does not exist (2026-02-30) is refused")
    func impossibleDate() throws {
        try expectRefusal(
            db: db,
            [
                "drill", "add", "--db", db, "--title", "演练", "--kind", "tabletop", "--held-on",
                "2026-02-30", "--participants", "10",
            ],
            mentions: ["held-on", "2026-02-30"])
        try expectRefusal(
            db: db,
            [
                "contact", "add", "--db", db, "--role", "信息员", "--name", "测试乙", "--phone", "13900002222",
                "--last-confirmed", "2026-02-30",
            ],
            mentions: ["last-confirmed", "2026-02-30"])
    }

    @Test("a negative stock quantity is refused")
    func negativeQuantity() throws {
        try expectRefusal(
            db: db, ["stock", "receive", "--db", db, "--item", "帐篷", "--site", "一号库", "--quantity=-5"],
            mentions: ["quantity", "-5"])
    }

    @Test(
        "a negative stock quantity written as a separate argument (--quantity -5) is refused naming the value"
    )
    func negativeQuantitySeparateArgument() throws {
        try expectRefusal(
            db: db,
            ["stock", "receive", "--db", db, "--item", "帐篷", "--site", "一号库", "--quantity", "-5"],
            mentions: ["quantity", "-5"])
    }

    @Test("a non-numeric stock quantity is refused")
    func nonNumericQuantity() throws {
        try expectRefusal(
            db: db, ["stock", "receive", "--db", db, "--item", "帐篷", "--site", "一号库", "--quantity", "五"],
            mentions: ["quantity", "五"])
        try expectRefusal(
            db: db,
            ["stock", "receive", "--db", db, "--item", "帐篷", "--site", "一号库", "--quantity", "1e3"],
            mentions: ["quantity", "1e3"])
    }

    @Test("issuing more stock than the site holds is refused")
    func overIssue() throws {
        try expectRefusal(
            db: db, ["stock", "issue", "--db", db, "--item", "帐篷", "--site", "一号库", "--quantity", "25"],
            mentions: ["issue", "25", "帐篷", "一号库", "20"])
        try expectRefusal(
            db: db, ["stock", "issue", "--db", db, "--item", "帐篷", "--site", "二号库", "--quantity", "1"],
            mentions: ["issue", "二号库", "0"])
    }

    @Test("an unknown org is refused")
    func unknownOrg() throws {
        try expectRefusal(
            db: db,
            [
                "contact", "add", "--db", db, "--org", "520299", "--role", "信息员", "--name", "测试乙",
                "--phone", "13900002222",
            ],
            mentions: ["org", "520299"])
    }

    @Test("a record for an org outside the node's subtree is refused")
    func outsideSubtree() throws {
        let line = try expectRefusal(
            db: db,
            [
                "contact", "add", "--db", db, "--org", "520203", "--role", "信息员", "--name", "测试乙",
                "--phone", "13900002222",
            ],
            mentions: ["org", "520203", "520201"])
        #expect(line.contains("outside"), "\(line)")
        try expectRefusal(
            db: db,
            [
                "stock", "receive", "--db", db, "--org", "520203001", "--item", "帐篷", "--site", "一号库",
                "--quantity", "1",
            ],
            mentions: ["520203001", "outside"])
    }

    @Test("an unknown field flag is refused with the list of allowed fields")
    func unknownFieldFlag() throws {
        let line = try expectRefusal(
            db: db,
            [
                "contact", "add", "--db", db, "--role", "信息员", "--name", "测试乙", "--phone", "13900002222",
                "--colour", "red",
            ],
            mentions: ["colour", "contact"])
        #expect(
            line.contains("phone") && line.contains("wechat"), "the allowed fields are listed: \(line)")
        try expectRefusal(
            db: db, ["contact", "set", "--db", db, contactID, "colour=red"], mentions: ["colour"])
    }

    @Test("a special plan without a category is refused")
    func specialPlanWithoutCategory() throws {
        try expectRefusal(
            db: db, ["plan", "add", "--db", db, "--title", "专项预案", "--level", "special"],
            mentions: ["category", "special"])
    }

    @Test("a drill with a negative number of participants is refused")
    func negativeParticipants() throws {
        try expectRefusal(
            db: db,
            [
                "drill", "add", "--db", db, "--title", "演练", "--kind", "tabletop", "--held-on",
                "2026-03-01", "--participants", "-3",
            ],
            mentions: ["participants", "-3"])
        try expectRefusal(
            db: db,
            [
                "drill", "add", "--db", db, "--title", "演练", "--kind", "tabletop", "--held-on",
                "2026-03-01", "--participants=-3",
            ],
            mentions: ["participants", "-3"])
    }

    @Test("a missing required field is refused naming the field")
    func missingRequiredField() throws {
        try expectRefusal(
            db: db, ["contact", "add", "--db", db, "--role", "信息员", "--name", "测试乙"],
            mentions: ["phone", "contact"])
    }
}
