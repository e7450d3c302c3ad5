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

        let hub = try ServeProcess.start(db: cityPath, log: directory.appendingPathComponent("hub.log"))
        defer { hub.stop() }
        let join = Process()
        join.executableURL = ServeProcess.tiersync
        join.arguments = [
            "join", "--db", directory.appendingPathComponent("county.db").path, "--parent", hub.url.absoluteString,
            "--code", code,
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
            records: records, changes: changes, seconds: seconds,
            hubPeakMB: Self.peakMB(of: hub.process.processIdentifier),
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
