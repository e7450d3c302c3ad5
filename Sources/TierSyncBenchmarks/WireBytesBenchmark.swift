import Foundation
import GRDB
import Logging
import TierSyncClient
import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// Bytes a sync sends for field edits, against the gzip -9 size of a plain CSV of the changed
/// (id, field, value) and against rsync of the SQLite file after the same edits.
///
/// A county node holds `edits` contacts already synced to its city; it then changes one
/// field (the phone) of each, and syncs. The three are measured on the same edits.
struct WireBytesBenchmark {
    let edits: Int
    let directory: URL

    struct Result {
        let edits: Int
        let requestBytes: Int
        let responseBytes: Int
        let requests: Int
        let csvGzipBytes: Int
        let rsyncBytes: Int?
    }

    func run() async throws -> Result {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let city = try TierSyncNode.create(path: path("city.db"), org: "520200", logger: silent)
        let hub = try await LiveHub.start(city)
        defer { hub.stop() }
        let counter = CountingTransport()
        let county = try await hub.enroll(org: "520201", path: path("county.db"), transport: counter)
        var ids: [RecordID] = []
        try county.store.write { writer in
            var random = SplitMix64(seed: 5)
            for i in 0..<edits {
                let id = RecordID.random(using: &random)
                ids.append(id)
                try writer.insert(table: "contact", id: id, org: "520201", fields: LocalWriteBenchmark.values(i))
            }
        }
        _ = try await SyncSession(node: county, transport: counter).run()
        try snapshot(county, to: path("before.db"))
        var csv = "id,field,value\n"
        try county.store.write { writer in
            for (i, id) in ids.enumerated() {
                let phone = FieldValue.text("137\(String(format: "%08d", i))")
                try writer.update(table: "contact", id: id, fields: ["phone": phone])
                csv += "\(id),phone,\(phone)\n"
            }
        }
        counter.reset()
        let summary = try await SyncSession(node: county, transport: counter).run()
        guard summary.pushed == edits else { throw ValidationErrorText("pushed \(summary.pushed) of \(edits) edits") }
        try snapshot(county, to: path("after.db"))
        return Result(
            edits: edits, requestBytes: counter.sent, responseBytes: counter.received, requests: counter.requests,
            csvGzipBytes: Gzip.compress(Array(csv.utf8), level: 9).count, rsyncBytes: try rsyncBytes())
    }

    func print(_ result: Result) {
        let ratio = Double(result.requestBytes) / Double(result.csvGzipBytes)
        Swift.print("Wire bytes for \(result.edits) field edits (one sync: \(result.requests) requests)\n")
        Swift.print("| what | bytes | ÷ gzip -9 CSV |")
        Swift.print("|---|---:|---:|")
        Swift.print(
            "| TierSync push, request bodies (gzip JSON) | \(result.requestBytes) | **\(String(format: "%.2f", ratio))×** |"
        )
        Swift.print("| TierSync responses (acks, the empty pull) | \(result.responseBytes) | |")
        Swift.print("| gzip -9 of a CSV of (id, field, value) | \(result.csvGzipBytes) | 1.00× |")
        if let rsync = result.rsyncBytes {
            Swift.print(
                "| rsync of the SQLite file (delta transfer, bytes sent) | \(rsync) | \(String(format: "%.2f", Double(rsync) / Double(result.csvGzipBytes)))× |"
            )
        } else {
            Swift.print("| rsync of the SQLite file | (rsync not installed) | |")
        }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A consistent copy of a node's file (WAL folded in), as rsync would find it on disk.
    func snapshot(_ node: TierSyncNode, to target: String) throws {
        let queue = try DatabaseQueue(path: node.store.path)
        try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
        try queue.close()
    }

    /// Bytes rsync's delta transfer sends to bring a copy of the file before the edits up to
    /// the file after them.
    func rsyncBytes() throws -> Int? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsync") else { return nil }
        let destination = directory.appendingPathComponent("mirror")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: path("before.db"), toPath: destination.appendingPathComponent("after.db").path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/rsync")
        process.arguments = ["--no-whole-file", "--stats", "-I", path("after.db"), destination.path + "/"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Total bytes sent:") }) else {
            return nil
        }
        return Int(line.split(separator: ":")[1].filter(\.isNumber))
    }
}
