import Foundation
import Logging
import TierSyncCore
import TierSyncDomain
import TierSyncStore

#if canImport(Glibc)
    import Glibc
#endif

/// A new county bootstrapping from its city over loopback: `tiersync serve` (the city) and
/// `tiersync join` (the county, which pulls its whole scope) as two processes, timed, with the
/// peak resident memory of each.
struct BootstrapBenchmark {
    let records: Int
    let directory: URL

    struct Result {
        let records: Int
        let changes: Int
        let seconds: Double
        let hubPeakMB: Double
        let clientPeakMB: Double
    }

    func run() throws -> Result {
        let tiersync = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .deletingLastPathComponent().appendingPathComponent("tiersync")
        let cityPath = directory.appendingPathComponent("city.db").path
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let city = try TierSyncNode.create(path: cityPath, org: "520200", logger: silent)
        // The city's records of the county's scope, written as the city's own entries.
        for start in stride(from: 0, to: records, by: 10_000) {
            try city.store.write { writer in
                var random = SplitMix64(seed: UInt64(start))
                for i in start..<min(records, start + 10_000) {
                    try writer.insert(
                        table: "contact", id: RecordID.random(using: &random), org: i % 2 == 0 ? "520201" : "520201101",
                        fields: LocalWriteBenchmark.values(i))
                }
            }
        }
        let changes = try city.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM change_log") ?? 0 }
        let code = try city.issueEnrollment(for: "520201", hours: 1).code
        try city.store.close()

        let log = directory.appendingPathComponent("hub.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let hub = Process()
        hub.executableURL = tiersync
        hub.arguments = ["serve", "--db", cityPath, "--listen", "127.0.0.1:0"]
        hub.standardOutput = try FileHandle(forWritingTo: log)
        try hub.run()
        defer { hub.terminate() }
        var url: String?
        for _ in 0..<600 where url == nil {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            url = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression).map { String(text[$0]) }
            if url == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let url else { throw ValidationErrorText("the hub did not start") }

        let join = Process()
        join.executableURL = tiersync
        join.arguments = [
            "join", "--db", directory.appendingPathComponent("county.db").path, "--parent", url, "--code", code,
        ]
        join.standardOutput = FileHandle.nullDevice
        let seconds = try time {
            try join.run()
            join.waitUntilExit()
        }
        guard join.terminationStatus == 0 else { throw ValidationErrorText("join failed") }
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)  // the join process: the only child that has exited
        return Result(
            records: records, changes: changes, seconds: seconds, hubPeakMB: Self.peakMB(of: hub.processIdentifier),
            clientPeakMB: Double(usage.ru_maxrss) / 1024)
    }

    func print(_ result: Result) {
        Swift.print("Bootstrap of a new county from its city over loopback (one run)\n")
        Swift.print("| records | field changes | seconds | records/s | changes/s | hub peak MB | client peak MB |")
        Swift.print("|---:|---:|---:|---:|---:|---:|---:|")
        Swift.print(
            "| \(result.records) | \(result.changes) | \(String(format: "%.1f", result.seconds)) | "
                + "\(Int(Double(result.records) / result.seconds)) | \(Int(Double(result.changes) / result.seconds)) | "
                + "\(String(format: "%.0f", result.hubPeakMB)) | \(String(format: "%.0f", result.clientPeakMB)) |")
    }

    /// VmHWM (peak resident set) of a running process, from /proc.
    static func peakMB(of pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.filter(\.isNumber))
        else { return 0 }
        return kilobytes / 1024
    }
}
