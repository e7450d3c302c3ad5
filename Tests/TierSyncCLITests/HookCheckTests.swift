import Foundation
import Testing

/// The check a hook runs after every change to the CLI: the shortest useful session.
@Suite("hook check", .ownThreads) struct HookCheckTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    @Test("init, contact add --json and export --format json work end to end")
    func hookCheck() throws {
        let db = scratch.path("hook.db")
        let created = try expectSuccess("init", "--db", db, "--org", "520201")
        #expect(created.output.hasPrefix("created node "))

        let added = try expectSuccess(
            "contact", "add", "--db", db, "--org", "520201",
            "--role", "information-officer", "--name", "测试", "--phone", "13900001111", "--json")
        let object = try JSONValue.decode(added.stdout)
        let id = try #require(object["id"]?.string)
        #expect(isRecordID(id))

        let exported = try expectSuccess("export", "--db", db, "--format", "json")
        let document = try JSONValue.decode(exported.stdout)
        #expect(document.keys == ["records"])
        let records = try #require(document["records"]?.array)
        try #require(records.count == 1)
        let record = records[0]
        #expect(record.keys == ["table", "id", "org", "deleted", "fields"])
        #expect(record["table"] == "contact")
        #expect(record["id"] == .string(id))
        #expect(record["org"] == "520201")
        #expect(record["deleted"] == false)
        #expect(record["fields"]?["role"] == "information-officer")
        #expect(record["fields"]?["name"] == "测试")
        #expect(record["fields"]?["phone"] == "13900001111")
    }
}
