import Foundation
import Testing
import TierSyncPostgres

/// `tiersync doctor` on a healthy node, one whose parent is down, and a damaged file: each
/// finding says what is wrong and what to do, and a problem exits 1.
@Suite(.serialized, .ownThreads) struct DoctorTests {
    func findings(_ db: String) throws -> (code: Int32, checks: [String: (state: String, fix: String?)]) {
        let result = try tiersync("doctor", "--db", db, "--json")
        let checks = try JSONValue.decode(result.stdout)["checks"]?.array ?? []
        var byName: [String: (String, String?)] = [:]
        for check in checks {
            byName[check["check"]?.string ?? ""] = (check["state"]?.string ?? "", check["fix"]?.string)
        }
        return (result.exitCode, byName)
    }

    @Test("a healthy node passes every check; with its parent down, the parent check fails and says what to do")
    func parent() throws {
        let scratch = try Scratch()
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        let hub = try HubProcess(db: city, scratch: scratch)
        try joinNode(county, hub: hub, parentDB: city, org: "520201")
        let healthy = try findings(county)
        #expect(healthy.code == 0)
        for check in ["integrity", "schema", "disk", "parent", "clock"] {
            #expect(healthy.checks[check]?.state == "ok", "\(check): \(String(describing: healthy.checks[check]))")
        }
        hub.stop()
        let down = try findings(county)
        #expect(down.code == 1 && down.checks["parent"]?.state == "problem")
        #expect(down.checks["parent"]?.fix?.contains("network") == true)
        #expect(down.checks["integrity"]?.state == "ok")
    }

    @Test("a hub on PostgreSQL under a SQLite city: the server and the parent checked; a wrong URL says what to check")
    func postgres() throws {
        let scratch = try Scratch()
        let database = try PostgresScratchDatabase()
        let city = scratch.path("city.db")
        _ = try initNode(city, org: "520200")
        let hub = try HubProcess(db: city, scratch: scratch)
        try joinNode(database.address.description, hub: hub, parentDB: city, org: "520201")
        let healthy = try findings(database.address.description)
        #expect(healthy.code == 0, "\(healthy.checks)")
        for check in ["server", "parent", "clock"] {
            #expect(healthy.checks[check]?.state == "ok", "\(check): \(String(describing: healthy.checks[check]))")
        }
        hub.stop()
        let down = try findings(database.address.description)
        #expect(down.code == 1 && down.checks["parent"]?.state == "problem" && down.checks["server"]?.state == "ok")
        // The same server, a database that is not there.
        let wrong = database.address.description.replacingOccurrences(
            of: "/\(database.address.database)", with: "/tiersync_no_such_database")
        let missing = try findings(wrong)
        #expect(missing.code == 1 && missing.checks["server"]?.state == "problem", "\(missing.checks)")
        #expect(missing.checks["server"]?.fix?.contains("PostgreSQL server runs") == true)
    }

    @Test("a damaged file is found out, with the restore command as the fix")
    func damaged() throws {
        let scratch = try Scratch()
        let db = scratch.path("town.db")
        _ = try initNode(db, org: "520201101")
        for i in 0..<60 {
            _ = try addRecord("contact", db: db, ["--role", "信息员", "--name", "示例\(i)", "--phone", "13900000001"])
        }
        try SQLiteShell.run(db, "PRAGMA wal_checkpoint(TRUNCATE)")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: db))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 8192))
        try handle.close()
        let result = try findings(db)
        #expect(result.code == 1)
        let problem = result.checks["integrity"] ?? result.checks["file"]
        #expect(problem?.state == "problem" && problem?.fix?.contains("tiersync restore") == true, "\(result.checks)")
    }
}
