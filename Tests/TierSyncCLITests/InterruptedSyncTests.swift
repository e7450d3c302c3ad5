import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncStore

#if canImport(Glibc)
    import Glibc
#endif

/// A link that drops: the hub is killed in the middle of a sync and started again; the next
/// sync finishes the job, and nothing is lost or applied twice.
@Suite(.serialized, .ownThreads) struct InterruptedSyncTests {
    @Test("a hub killed mid-sync and restarted loses nothing and duplicates nothing")
    func killedMidSync() throws {
        let scratch = try Scratch()
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        var hub = try HubProcess(db: city, scratch: scratch)
        let port = try #require(hub.url.split(separator: ":").last.map(String.init))
        try joinNode(county, hub: hub, parentDB: city, org: "520201")
        // Many offline entries at the county: several push pages.
        let records = 12_000
        try enterContacts(county, count: records)
        let sync = Process()
        sync.executableURL = try TierSyncProcess.binary.get()
        sync.arguments = ["sync", "--db", county]
        sync.standardOutput = FileHandle.nullDevice
        sync.standardError = FileHandle.nullDevice
        try sync.run()
        // Kill the hub once the first pages have landed: the sync is cut mid-way.
        _ = eventually(30) { ((try? SQLiteShell.integer(city, "SELECT count(*) FROM contact")) ?? 0) > 0 }
        kill(hub.process.processIdentifier, SIGKILL)
        sync.waitUntilExit()
        hub.stop()
        let before = try SQLiteShell.integer(city, "SELECT count(*) FROM contact")
        #expect(before > 0 && before < records, "the hub was killed at \(before) of \(records): not mid-sync")
        // The hub comes back on the same address; the next sync completes.
        hub = try HubProcess(db: city, scratch: scratch, port: Int(port)!)
        try expectSuccess("sync", "--db", county)
        #expect(try SQLiteShell.integer(city, "SELECT count(*) FROM contact") == records)
        let logged = try SQLiteShell.integer(city, "SELECT count(*) FROM change_log")
        let distinct = try SQLiteShell.integer(
            city, "SELECT count(*) FROM (SELECT DISTINCT record, field, hlc, node FROM change_log)")
        #expect(logged == distinct && logged == records * 4)
        let status = try JSONValue.decode(try expectSuccess("status", "--db", county, "--json").stdout)
        #expect(status["waiting"]?.int == 0)
    }
}
