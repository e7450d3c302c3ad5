import Foundation
import Logging
import TierSyncClient
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// A county syncs with its city through `Tests/Links/faulty_link.py`, a proxy that delays
/// every chunk by `latency` and cuts a fraction `cutRate` of connections after a random byte
/// count; the same sync through the same proxy without cuts is the baseline. The figure is
/// the bytes sent again: what the cut sync moved beyond the clean one.
struct CutLinkBenchmark {
    let contacts: Int
    let cutRate: Double
    let latency: Double
    let seed: Int
    let script: String
    let directory: URL

    struct Trial {
        let bytes: Int
        let attempts: Int
        let cuts: Int
        let seconds: Double
    }

    /// The clean sync, then one cut sync per proxy seed from `seed`.
    func run(trials: Int) async throws -> (clean: Trial, cut: [Trial]) {
        let clean = try await trial(name: "clean", cutRate: 0, seed: seed)
        var cut: [Trial] = []
        for offset in 0..<trials {
            cut.append(try await trial(name: "cut\(offset)", cutRate: cutRate, seed: seed + offset))
        }
        return (clean, cut)
    }

    /// One county and city, the same records each time (seeded ids), synced both ways.
    func trial(name: String, cutRate: Double, seed: Int) async throws -> Trial {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let city = try TierSyncNode.create(path: path("\(name)-city.db"), org: "520200", logger: silent)
        let hub = try await LiveHub.start(city)
        defer { hub.stop() }
        let county = try await hub.enroll(org: "520201", path: path("\(name)-county.db"))
        var random = SplitMix64(seed: 11)
        try fill(county, org: "520201", count: contacts, random: &random)  // to push
        try fill(city, org: "520201", count: contacts / 2, random: &random)  // to pull
        let stats = path("\(name)-link.json")
        let proxy = try startProxy(target: hub.url, cutRate: cutRate, seed: seed, stats: stats)
        try county.store.write { writer in
            try writer.db.execute(sql: "UPDATE parent_link SET url = ?", arguments: ["http://127.0.0.1:\(proxy.port)"])
        }
        let started = ContinuousClock.now
        var attempts = 0
        while true {
            attempts += 1
            do {
                _ = try await SyncSession(node: county, transport: URLSessionTransport(timeout: 15)).run()
                break
            } catch {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        let elapsed = ContinuousClock.now - started
        proxy.process.terminate()
        proxy.process.waitUntilExit()
        let link =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as! [String: Any]
        guard try county.list(.contact).count == contacts + contacts / 2 else {
            throw ValidationErrorText("the \(name) sync did not bring every contact across")
        }
        return Trial(
            bytes: (link["up"] as! Int) + (link["down"] as! Int), attempts: attempts, cuts: link["cut"] as! Int,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    func fill(_ node: TierSyncNode, org: String, count: Int, random: inout SplitMix64) throws {
        try node.store.write { writer in
            for i in 0..<count {
                try writer.insert(
                    table: "contact", id: RecordID.random(using: &random), org: org,
                    fields: [
                        "role": .text("liaison"), "name": .text("示例\(org)-\(i)"),
                        "phone": .text("139\(String(format: "%08d", i))"),
                    ])
            }
        }
    }

    func startProxy(target: URL, cutRate: Double, seed: Int, stats: String) throws -> (process: Process, port: Int) {
        try Self.startProxy(
            script: script, target: target, cutRate: cutRate, latency: latency, seed: seed, stats: stats)
    }

    /// `Tests/Links/faulty_link.py` (at `script`) in front of `target`, on a free port.
    static func startProxy(
        script: String, target: URL, cutRate: Double, latency: Double, seed: Int, stats: String, cutMax: Int? = nil
    ) throws -> (process: Process, port: Int) {
        let output = URL(fileURLWithPath: stats + ".out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", script, "--target", "127.0.0.1:\(target.port!)", "--cut-rate", String(cutRate), "--latency",
                String(latency), "--seed", String(seed), "--stats", stats,
            ] + (cutMax.map { ["--cut-max", String($0)] } ?? [])
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        for _ in 0..<200 {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, let port = Int(line.dropFirst("listening on ".count)) {
                return (process, port)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw ValidationErrorText("the link proxy \(script) did not start")
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func print(_ result: (clean: Trial, cut: [Trial])) {
        Swift.print(
            "sync through a link with \(Int(latency * 1000)) ms latency, \(contacts) contacts up and \(contacts / 2) down"
        )
        Swift.print("| link | bytes | bytes sent again | attempts | cut connections | seconds |")
        Swift.print("|---|---:|---:|---:|---:|---:|")
        let row = { (name: String, trial: Trial) in
            let resent = trial.bytes - result.clean.bytes
            let share = String(format: "%.1f", 100 * Double(resent) / Double(result.clean.bytes))
            Swift.print(
                "| \(name) | \(trial.bytes) | \(resent) (\(share)%) | \(trial.attempts) | \(trial.cuts) | \(String(format: "%.1f", trial.seconds)) |"
            )
        }
        row("clean", result.clean)
        for (offset, trial) in result.cut.enumerated() {
            row("\(Int(cutRate * 100))% of connections cut, seed \(seed + offset)", trial)
        }
        let resent = result.cut.map { $0.bytes - result.clean.bytes }.reduce(0, +)
        let share = 100 * Double(resent) / Double(result.clean.bytes * result.cut.count)
        Swift.print(
            "bytes sent again over \(result.cut.count) cut syncs: \(String(format: "%.1f", share))% of a clean sync's on average, \(result.cut.map(\.cuts).reduce(0, +)) cuts"
        )
    }
}
