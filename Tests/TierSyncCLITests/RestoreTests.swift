import Foundation
import Testing
import TierSyncDomain

/// Backups and restores with real processes, in both directions: a hub put back from an
/// older backup loses nothing its children sent after it, and a child put back from one
/// recovers from its parent what it had sent, under a new node id. Checkpoints are kept on
/// both sides of each link and compared at every sync.
@Suite(.serialized, .ownThreads) struct RestoreTests {
    let scratch: Scratch
    let city: String
    let county: String

    init() throws {
        scratch = try Scratch()
        city = scratch.path("city.db")
        county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
    }

    func contact(_ db: String, _ name: String, org: String = "520201") throws -> String {
        try addRecord(
            "contact", db: db, ["--org", org, "--role", "信息员", "--name", name, "--phone", "13900000001"]
        ).id
    }

    func names(_ db: String) throws -> [String] {
        try exportedRecords(db).filter { $0.table == "contact" && !$0.deleted }.compactMap { $0["name"].string }
            .sorted()
    }

    func integrity(_ db: String) throws -> String { try SQLiteShell.run(db, "PRAGMA integrity_check") }

    /// No change is in a log twice, and no conflict was made by the restore.
    func expectClean(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try integrity(db) == "ok", sourceLocation: sourceLocation)
        let logged = try SQLiteShell.integer(db, "SELECT count(*) FROM change_log")
        let distinct = try SQLiteShell.integer(
            db, "SELECT count(*) FROM (SELECT DISTINCT record, field, hlc, node FROM change_log)")
        #expect(logged == distinct, "a change applied twice at \(db)", sourceLocation: sourceLocation)
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM conflict") == 0, sourceLocation: sourceLocation)
    }

    @Test(
        "a hub restored from an older backup gets again what its child sent after it, and the child pulls what is new")
    func restoredHub() throws {
        var hub = try HubProcess(db: city, scratch: scratch)
        let port = try #require(hub.url.split(separator: ":").last.map(String.init))
        try joinNode(county, hub: hub, parentDB: city, org: "520201")
        _ = try contact(county, "示例·甲")
        try expectSuccess("sync", "--db", county)
        // Taken while the hub serves, with a person signed in, whose session the restore ends.
        try WorkbenchBrowserTests.addUser(city, "li", role: "clerk")
        let signedIn = try TierSyncNode.open(path: city).startSession(subject: "user:li")
        try expectSuccess("backup", "--db", city, "--out", scratch.path("city-backup.db"))
        _ = try contact(county, "示例·乙")
        try expectSuccess("sync", "--db", county)
        #expect(try names(city) == ["示例·乙", "示例·甲"])

        hub.stop()
        try expectSuccess("restore", "--db", city, "--from", scratch.path("city-backup.db"))
        #expect(try names(city) == ["示例·甲"], "the backup is older than the last push")
        #expect(throws: DomainError.self, "the session in the backup ended with the restore") {
            _ = try TierSyncNode.open(path: city).session(signedIn)
        }
        // The restored hub writes on, into positions the county had pulled before.
        _ = try contact(city, "示例·丙")
        hub = try HubProcess(db: city, scratch: scratch, port: Int(port)!)
        try expectSuccess("sync", "--db", county)
        #expect(try names(city) == ["示例·丙", "示例·乙", "示例·甲"], "nothing the county sent is lost")
        #expect(try names(county) == ["示例·丙", "示例·乙", "示例·甲"], "the county pulled the restored hub's new edit")
        try expectClean(city)
        try expectClean(county)
        hub.stop()
    }

    @Test("a child restored from an older backup recovers what it had sent, and edits on under a new node id")
    func restoredChild() throws {
        let hub = try HubProcess(db: city, scratch: scratch)
        try joinNode(county, hub: hub, parentDB: city, org: "520201")
        _ = try contact(county, "示例·甲")
        try expectSuccess("sync", "--db", county)
        try expectSuccess("backup", "--db", county, "--out", scratch.path("county-backup.db"))
        let later = try contact(county, "示例·乙")
        try expectSuccess("sync", "--db", county)
        let oldNode = try SQLiteShell.run(county, "SELECT id FROM node")

        // Copied back by hand: the next sync refuses, naming the command that makes it safe.
        try FileManager.default.removeItem(atPath: county)
        try FileManager.default.copyItem(atPath: scratch.path("county-backup.db"), toPath: county)
        let refused = try tiersync("sync", "--db", county)
        #expect(!refused.succeeded && refused.stderr.contains("tiersync restore"), "\(refused.summary)")

        try expectSuccess("restore", "--db", county, "--from", county)
        #expect(try SQLiteShell.run(county, "SELECT id FROM node") != oldNode)
        try expectSuccess("sync", "--db", county)
        #expect(try names(county) == ["示例·乙", "示例·甲"], "what the county had sent came back from the city")
        try expectSuccess("contact", "set", "--db", county, later, "name=示例·乙改")
        try expectSuccess("sync", "--db", county)
        #expect(try names(city) == ["示例·乙改", "示例·甲"])
        try expectClean(city)
        try expectClean(county)
        hub.stop()
    }
}
