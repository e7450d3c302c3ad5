import Foundation
import Hummingbird
import Logging
import TierSyncClient
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// A county sends a large attachment (a scanned plan) to its city hub (`tiersync serve`, its
/// own process), side by side with `curl` uploading the same file to a sink on loopback;
/// then another county sends another file of the same size through `Tests/Links/faulty_link.py`
/// cutting every connection after 1 byte to `cutMB` MB. Reports seconds, MB/s, the bytes sent
/// again, and the peak memory of the hub and of this process (the client).
struct FilesBenchmark {
    let megabytes: Int
    let cutMB: Int
    let script: String
    let directory: URL

    struct Result {
        var attachSeconds = 0.0
        var syncSeconds = 0.0
        var curlSeconds = 0.0
        var cutSeconds = 0.0
        var cutAttempts = 0
        var cuts = 0
        var cutBytesUp = 0
        var hubPeakMB = 0.0
        var clientPeakMB = 0.0
    }

    func run() async throws -> Result {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        var result = Result()
        let city = try TierSyncNode.create(path: path("city.db"), org: "520200", logger: silent)
        let codes = try ["520201", "520203"].map { try city.issueEnrollment(for: $0, hours: 1).code }
        try city.store.close()
        let hub = try ServeProcess.start(db: path("city.db"), log: directory.appendingPathComponent("hub.log"))
        defer { hub.stop() }
        let transport = URLSessionTransport(timeout: 5)
        let county = try await Enrollment.join(
            path: path("county.db"), parent: hub.url, code: codes[0], transport: transport
        ).0
        let other = try await Enrollment.join(
            path: path("other.db"), parent: hub.url, code: codes[1], transport: transport
        ).0

        let file = try write("scan.pdf", seed: 1)
        let plan = try county.add(.plan, values: ["title": "示例·扫描件", "level": "overall", "status": "published"])
        var started = ContinuousClock.now
        try county.attach(.plan, id: plan.id.rawValue, file: file)
        result.attachSeconds = Self.seconds(since: started)
        started = ContinuousClock.now
        let summary = try await SyncSession(node: county, transport: transport).run()
        result.syncSeconds = Self.seconds(since: started)
        guard summary.filesSent == 1 else { throw ValidationErrorText("the file did not reach the hub: \(summary)") }
        result.curlSeconds = try await curlUpload(file)

        // Another file through a link that cuts every connection within `cutMB` MB.
        let second = try write("scan2.pdf", seed: 2)
        let otherPlan = try other.add(.plan, values: ["title": "示例·扫描件二", "level": "overall", "status": "published"])
        try other.attach(.plan, id: otherPlan.id.rawValue, file: second)
        let stats = path("link.json")
        let proxy = try CutLinkBenchmark.startProxy(
            script: script, target: hub.url, cutRate: 1, latency: 0, seed: 7, stats: stats, cutMax: cutMB << 20)
        try other.store.write { writer in
            try writer.db.execute(sql: "UPDATE parent_link SET url = ?", arguments: ["http://127.0.0.1:\(proxy.port)"])
        }
        started = ContinuousClock.now
        while true {
            result.cutAttempts += 1
            if let done = try? await SyncSession(node: other, transport: transport).run(), done.fileProblems.isEmpty {
                break
            }
            guard result.cutAttempts < 10_000 else {
                throw ValidationErrorText("the cut link never let the file through")
            }
        }
        result.cutSeconds = Self.seconds(since: started)
        proxy.process.terminate()
        proxy.process.waitUntilExit()
        let link =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as! [String: Any]
        result.cutBytesUp = link["up"] as! Int
        result.cuts = link["cut"] as! Int
        result.hubPeakMB = BootstrapBenchmark.peakMB(of: hub.process.processIdentifier)
        result.clientPeakMB = BootstrapBenchmark.peakMB(of: ProcessInfo.processInfo.processIdentifier)
        return result
    }

    /// `curl -T` of `file` to a sink in this process that reads the body and drops it: what
    /// moving the bytes over loopback HTTP costs, with nothing stored.
    func curlUpload(_ file: String) async throws -> Double {
        let router = Router()
        router.put("/sink") { request, _ -> String in
            var bytes = 0
            for try await buffer in request.body { bytes += buffer.readableBytes }
            return String(bytes)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
            logger: Logger(label: "sink", factory: { _ in SwiftLogNoOpLogHandler() }))
        let server = Task { try await app.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        // `Expect:` empty: no wait for a 100 Continue the sink does not send.
        process.arguments = ["-sS", "-o", "/dev/null", "-H", "Expect:", "-T", file, "http://127.0.0.1:\(port)/sink"]
        let started = ContinuousClock.now
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        guard process.terminationStatus == 0 else { throw ValidationErrorText("curl failed") }
        return Self.seconds(since: started)
    }

    /// A file of `megabytes` MB of seeded bytes that do not compress, written 1 MiB at a time.
    func write(_ name: String, seed: UInt64) throws -> String {
        let file = path(name)
        FileManager.default.createFile(atPath: file, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? out.close() }
        var random = SplitMix64(seed: seed)
        var block = [UInt64](repeating: 0, count: (1 << 20) / 8)
        for _ in 0..<megabytes {
            for i in block.indices { block[i] = random.next() }
            try block.withUnsafeBytes { try out.write(contentsOf: Data($0)) }
        }
        return file
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        FanInBenchmark.seconds(ContinuousClock.now - start)
    }

    func print(_ result: Result) {
        let size = Double(megabytes)
        let rate = { (seconds: Double) in String(format: "%.0f", size / seconds) }
        Swift.print("A \(megabytes) MB attachment from a county to its city hub (tiersync serve), on loopback\n")
        Swift.print("| what | seconds | MB/s |")
        Swift.print("|---|---:|---:|")
        Swift.print(
            "| `tiersync attach` (read, hash, store in chunks) | \(String(format: "%.2f", result.attachSeconds)) | \(rate(result.attachSeconds)) |"
        )
        Swift.print(
            "| `sync`: the file sent in 1 MiB chunks, stored and checked at the hub | \(String(format: "%.2f", result.syncSeconds)) | \(rate(result.syncSeconds)) |"
        )
        Swift.print(
            "| `curl -T` of the same file to a sink that stores nothing | \(String(format: "%.2f", result.curlSeconds)) | \(rate(result.curlSeconds)) |"
        )
        Swift.print(
            "\nsync / curl: \(String(format: "%.1f", result.syncSeconds / result.curlSeconds))×\n")
        let resent = result.cutBytesUp - megabytes << 20
        Swift.print("Through a link cutting every connection after 1 byte to \(cutMB) MB:\n")
        Swift.print("| cuts | sync attempts | bytes up | bytes sent again | per cut | seconds |")
        Swift.print("|---:|---:|---:|---:|---:|---:|")
        Swift.print(
            "| \(result.cuts) | \(result.cutAttempts) | \(result.cutBytesUp) | \(resent) (\(String(format: "%.1f", 100 * Double(resent) / Double(megabytes << 20)))%) | \(result.cuts > 0 ? resent / result.cuts : 0) | \(String(format: "%.1f", result.cutSeconds)) |"
        )
        Swift.print(
            "\npeak memory: hub \(String(format: "%.0f", result.hubPeakMB)) MB, client (this process) \(String(format: "%.0f", result.clientPeakMB)) MB"
        )
    }
}
