import Foundation
import Testing
import TierSyncCore
import TierSyncDomain

#if canImport(Glibc)
    import Glibc
#endif

/// A county's upward loop through a poor link (`Tests/Links/faulty_link.py`): 300 ms on
/// every chunk, 30% of connections cut at a random byte, and the link down for a minute.
/// A watchdog fails the test if the loop stops making progress while the parent is
/// reachable; once the link is back, everything arrives.
@Suite(.serialized, .ownThreads) struct LinkTests {
    /// The proxy between the county and the city, as its own process.
    final class Link {
        let process = Process()
        let port: Int
        /// Where the proxy keeps its counts (connections, cut, bytes up and down).
        let stats: URL

        /// How many connections the proxy has cut so far.
        var cuts: Int {
            guard let data = try? Data(contentsOf: stats),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return 0 }
            return object["cut"] as? Int ?? 0
        }

        init(target: String, scratch: Scratch, cutRate: Double = 0.3, latency: Double = 0.3, cutMax: Int = 200_000)
            throws
        {
            let output = scratch.directory.appendingPathComponent("link.out")
            stats = scratch.directory.appendingPathComponent("link.json")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../Links/faulty_link.py").standardized.path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", script, "--target", target, "--cut-rate", String(cutRate), "--latency", String(latency),
                "--cut-max", String(cutMax), "--seed", "3", "--stats", stats.path,
            ]
            process.standardOutput = try FileHandle(forWritingTo: output)
            try process.run()
            var port: Int?
            for _ in 0..<200 where port == nil {
                let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                port = text.split(separator: "\n").first.flatMap { Int($0.dropFirst("listening on ".count)) }
                if port == nil { Thread.sleep(forTimeInterval: 0.05) }
            }
            guard let port else {
                throw ProcessFailure.timedOut(executable: "faulty_link.py", arguments: [], seconds: 10)
            }
            self.port = port
        }

        func down() { kill(process.processIdentifier, SIGUSR1) }
        func up() { kill(process.processIdentifier, SIGUSR2) }
        deinit { process.terminate() }
    }

    @Test(
        "through a cut, slow link that also goes down for a minute, the upward loop keeps making progress and completes"
    )
    func upwardThroughPoorLink() throws {
        let scratch = try Scratch()
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        let cityHub = try HubProcess(db: city, scratch: scratch)
        try joinNode(county, hub: cityHub, parentDB: city, org: "520201")
        let cityPort = try #require(cityHub.url.split(separator: ":").last.map(String.init))
        let link = try Link(target: "127.0.0.1:\(cityPort)", scratch: scratch)
        try SQLiteShell.run(county, "UPDATE parent_link SET url = 'http://127.0.0.1:\(link.port)'")
        let countyHub = try HubProcess(db: county, scratch: scratch, syncInterval: 0.5)
        defer { countyHub.stop() }

        let batches = 8, perBatch = 400
        let arrived = { try SQLiteShell.integer(city, "SELECT count(*) FROM contact") }
        var progress = (count: 0, at: Date())
        /// Fails when nothing new arrived for `limit` seconds while the link is up.
        func watchdog(until done: () throws -> Bool, limit: Double = 75) throws -> Bool {
            while try !done() {
                let count = try arrived()
                if count > progress.count { progress = (count, Date()) }
                if Date().timeIntervalSince(progress.at) > limit {
                    Issue.record("the upward loop made no progress for \(Int(limit)) s at \(count) contacts")
                    return false
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
            return true
        }
        for batch in 0..<batches {
            try enterContacts(county, count: perBatch, from: batch * perBatch)
            if batch == batches / 2 {
                // Down for a minute: the watchdog waits, then the loop must pick up again.
                link.down()
                Thread.sleep(forTimeInterval: 60)
                link.up()
                progress.at = Date()
            }
            guard try watchdog(until: { try arrived() >= (batch + 1) * perBatch }) else { return }
        }
        #expect(try arrived() == batches * perBatch)
        let logged = try SQLiteShell.integer(city, "SELECT count(*) FROM change_log")
        let distinct = try SQLiteShell.integer(
            city, "SELECT count(*) FROM (SELECT DISTINCT record, field, hlc, node FROM change_log)")
        #expect(logged == distinct, "nothing applied twice")
    }
}
