import Foundation
import Logging
import TierSyncClient
import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// Many townships syncing continuously against one county hub (`tiersync serve`, its own
/// process): each simulated township (a township of its own, as in the field) pushes a page of new changes, pulls from its cursor,
/// waits about `interval` seconds (a node's `--sync-interval` is 30) and starts again, for
/// `seconds`. Reports errors and the hub's memory
/// (resident set) over time: after warm-up it must stay flat.
struct SoakBenchmark {
    let clients: Int
    let seconds: Int
    let changes: Int
    /// Each client's pause between syncs: from half to one and a half times this, in seconds.
    let interval: Double
    let directory: URL

    struct Result {
        var pushes = 0
        var pulls = 0
        var errors = 0
        var firstError: String?
        /// (seconds since start, hub resident MB), every `sampleEvery` seconds.
        var memory: [(Int, Double)] = []
    }

    static let sampleEvery = 30

    func run() async throws -> Result {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let countyPath = directory.appendingPathComponent("county.db").path
        let county = try TierSyncNode.create(path: countyPath, org: "520201", logger: silent)
        let credentials = try FanInBenchmark.enroll(clients, at: county, seed: 21, distinct: true)
        try county.store.close()
        let hub = try ServeProcess.start(db: countyPath, log: directory.appendingPathComponent("hub.log"))
        defer { hub.stop() }
        let url = hub.url
        let transport = URLSessionTransport(timeout: 120, connectionsPerHost: clients)
        let deadline = ContinuousClock.now + .seconds(seconds)
        let pid = hub.process.processIdentifier
        let sampler = Task {
            var samples: [(Int, Double)] = []
            var elapsed = 0
            while ContinuousClock.now < deadline {
                samples.append((elapsed, Self.residentMB(of: pid)))
                try? await Task.sleep(for: .seconds(Self.sampleEvery))
                elapsed += Self.sampleEvery
            }
            samples.append((seconds, Self.residentMB(of: pid)))
            return samples
        }
        let changes = self.changes
        let outcomes = await withTaskGroup(of: Result.self) { group in
            for (index, client) in credentials.enumerated() {
                group.addTask {
                    var result = Result()
                    var random = SplitMix64(seed: UInt64(index + 1))
                    let parent = ParentClient(baseURL: url, credential: client.credential, transport: transport)
                    var upTo: Int64 = 0
                    var pulled: Int64 = 0
                    var counter: UInt64 = 0
                    // Spread the first requests over a few seconds, as PCs switched on at different times.
                    try? await Task.sleep(for: .milliseconds(Int64(random.next() % 5_000)))
                    while ContinuousClock.now < deadline {
                        let page = Self.page(client, count: changes, counter: &counter, random: &random, upTo: &upTo)
                        do {
                            _ = try await parent.push(page)
                            result.pushes += 1
                            let answer = try await parent.pull(after: pulled, limit: 500)
                            pulled = answer.next
                            result.pulls += 1
                        } catch {
                            result.errors += 1
                            if result.firstError == nil { result.firstError = "\(error)" }
                        }
                        let pause = interval * (0.5 + Double(random.next() % 1_000) / 1_000)
                        try? await Task.sleep(for: .milliseconds(Int64(pause * 1_000)))
                    }
                    return result
                }
            }
            var total = Result()
            for await outcome in group {
                total.pushes += outcome.pushes
                total.pulls += outcome.pulls
                total.errors += outcome.errors
                total.firstError = total.firstError ?? outcome.firstError
            }
            return total
        }
        var result = outcomes
        result.memory = await sampler.value
        return result
    }

    /// `count` field changes of new contacts of the client's township, on top of nothing.
    static func page(
        _ client: (node: NodeID, org: String, credential: String), count: Int, counter: inout UInt64,
        random: inout SplitMix64, upTo: inout Int64
    ) -> PushRequest {
        var wire: [WireChange] = []
        var record = RecordID.random(using: &random)
        let now = SystemWallClock().nowMilliseconds()
        for i in 0..<count {
            if i % 4 == 0 { record = RecordID.random(using: &random) }
            counter += 1
            let field = ["role", "name", "phone", "post"][i % 4]
            let value: FieldValue = field == "role" ? .text("information-officer") : .text("\(field)-\(counter)")
            wire.append(
                WireChange(
                    FieldChange(
                        table: "contact", record: record, org: client.org, field: field, value: value,
                        hlc: HLCTimestamp(physical: now, counter: 0), node: client.node,
                        versionVector: VersionVector([client.node: 1]))))
        }
        upTo += Int64(count)
        return PushRequest(changes: wire, nodes: [client.node.rawValue: client.org], upTo: upTo)
    }

    /// The process's resident memory now (VmRSS), in MB.
    static func residentMB(of pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.filter(\.isNumber))
        else { return 0 }
        return kilobytes / 1024
    }

    func print(_ result: Result) {
        Swift.print(
            "Soak: \(clients) township clients pushing \(changes) changes and pulling, every \(interval / 2)–\(interval * 1.5) s, for \(seconds) s, against one county hub\n"
        )
        Swift.print("| pushes | pulls | errors |")
        Swift.print("|---:|---:|---:|")
        Swift.print("| \(result.pushes) | \(result.pulls) | \(result.errors) |\n")
        Swift.print("| seconds | hub resident MB |")
        Swift.print("|---:|---:|")
        for (second, megabytes) in result.memory { Swift.print("| \(second) | \(String(format: "%.0f", megabytes)) |") }
        // Warm-up: the first fifth of the run (caches, connections, the log's first pages).
        let warm = result.memory.first { $0.0 >= seconds / 5 }?.1 ?? 0
        let end = result.memory.last?.1 ?? 0
        let peakAfter = result.memory.filter { $0.0 >= seconds / 5 }.map(\.1).max() ?? 0
        Swift.print(
            "\nafter warm-up (\(seconds / 5) s): \(String(format: "%.0f", warm)) MB; at the end \(String(format: "%.0f", end)) MB; "
                + "highest since \(String(format: "%.0f", peakAfter)) MB, \(String(format: "%+.1f", warm > 0 ? 100 * (peakAfter - warm) / warm : 0))%"
        )
        if let error = result.firstError { Swift.print("first error: \(error)") }
    }
}
