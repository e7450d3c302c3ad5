import Foundation
import Testing

@Suite("tiersync init", .ownThreads) struct InitCommandTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    @Test("init creates a node and prints its node id and org")
    func createsNode() throws {
        let db = scratch.path("county.db")
        let result = try expectSuccess("init", "--db", db, "--org", "520201")
        let words = result.output.split(separator: " ").map(String.init)
        // "created node <id> for 520201 钟山区 at <db>"
        try #require(words.count >= 7, "\(result.summary)")
        #expect(Array(words[0...1]) == ["created", "node"])
        let node = words[2]
        #expect(
            node.count == 16 && node.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "node id \(node)")
        #expect(Array(words[3...5]) == ["for", "520201", "钟山区"])
        #expect(result.output.hasSuffix("at \(db)"))
        #expect(result.errorLines.isEmpty)
        #expect(FileManager.default.fileExists(atPath: db))
        #expect(try SQLiteShell.run(db, "SELECT id || ' ' || org FROM node") == "\(node) 520201")
    }

    @Test("init --json prints the node id, org, name and file")
    func createsNodeJSON() throws {
        let db = scratch.path("town.db")
        let result = try expectSuccess("init", "--db", db, "--org", "520201101", "--json")
        let object = try JSONValue.decode(result.stdout)
        #expect(object.keys == ["node", "org", "name", "db"])
        #expect(object["org"] == "520201101")
        #expect(object["name"] == "大河镇")
        #expect(object["db"] == .string(db))
        let node = try #require(object["node"]?.string)
        #expect(try SQLiteShell.run(db, "SELECT id FROM node") == node)
    }

    @Test("init on an existing node is refused with a one-line error and the node is kept")
    func refusesExistingNode() throws {
        let db = scratch.path("county.db")
        let node = try initNode(db, org: "520201")
        let contact = try addRecord(
            "contact", db: db, ["--role", "信息员", "--name", "王五", "--phone", "13900001111"])
        let before = try exportJSON(db)

        let result = try tiersync("init", "--db", db, "--org", "520203")
        #expect(result.exitCode != 0, "\(result.summary)")
        #expect(result.stdout.isEmpty)
        #expect(result.errorLines.count == 1, "\(result.summary)")
        let line = result.errorLines.first ?? ""
        #expect(line.contains("already a TierSync node"), "\(line)")
        #expect(line.contains("520201") && line.contains(node), "\(line)")

        #expect(try SQLiteShell.run(db, "SELECT id || ' ' || org FROM node") == "\(node) 520201")
        #expect(try exportJSON(db) == before)
        #expect(try exportedRecords(db).map(\.id) == [contact.id])
    }

    @Test("init with an unknown org is refused and leaves no file behind")
    func refusesUnknownOrg() throws {
        let db = scratch.path("nowhere.db")
        let result = try tiersync("init", "--db", db, "--org", "999999")
        #expect(result.exitCode != 0, "\(result.summary)")
        #expect(result.stdout.isEmpty)
        #expect(result.errorLines.count == 1, "\(result.summary)")
        let line = result.errorLines.first ?? ""
        #expect(line.contains("org") && line.contains("999999"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: db))
        #expect(try scratch.contents() == [], "no file, WAL or journal may be left behind")
    }

    @Test("init of a text file is refused and the file stays byte-for-byte unchanged")
    func refusesTextFile() throws {
        let db = scratch.path("notes.txt")
        let text = Data("值班记录\nline two, not a database\n".utf8)
        try text.write(to: URL(fileURLWithPath: db))

        let result = try tiersync("init", "--db", db, "--org", "520201")
        #expect(result.exitCode != 0, "\(result.summary)")
        #expect(result.stdout.isEmpty)
        #expect(result.errorLines.count == 1, "\(result.summary)")
        let line = result.errorLines.first ?? ""
        #expect(
            line.contains("not a TierSync database") && line.contains("not an SQLite file"), "\(line)")
        #expect(line.contains(db), "\(line)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == text)
        #expect(try scratch.contents() == ["notes.txt"])
    }

    @Test("init of a SQLite database that is not TierSync's is refused and the file stays unchanged")
    func refusesForeignSQLite() throws {
        try #require(SQLiteShell.isAvailable, "this test needs the sqlite3 command")
        let db = scratch.path("other.db")
        try SQLiteShell.run(
            db, "CREATE TABLE inventory (name TEXT, qty INTEGER); INSERT INTO inventory VALUES ('帐篷', 3);"
        )
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        try #require(bytes.starts(with: Data("SQLite format 3".utf8)))

        let result = try tiersync("init", "--db", db, "--org", "520201")
        #expect(result.exitCode != 0, "\(result.summary)")
        #expect(result.stdout.isEmpty)
        #expect(result.errorLines.count == 1, "\(result.summary)")
        let line = result.errorLines.first ?? ""
        #expect(line.contains("not a TierSync database") && line.contains("inventory"), "\(line)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == bytes)
        #expect(try scratch.contents() == ["other.db"])
        #expect(try SQLiteShell.run(db, "SELECT name || ' ' || qty FROM inventory") == "帐篷 3")
    }

    @Test("a command on a file with no node tells how to make one")
    func refusesMissingNode() throws {
        let db = scratch.path("missing.db")
        let result = try tiersync("contact", "list", "--db", db)
        #expect(result.exitCode != 0, "\(result.summary)")
        #expect(result.errorLines.count == 1, "\(result.summary)")
        #expect(
            result.errorLines.first?.contains("tiersync init --db \(db)") == true, "\(result.summary)")
        #expect(try scratch.contents() == [])
    }
}
