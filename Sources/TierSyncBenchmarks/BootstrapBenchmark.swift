import Foundation
import GRDB
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
        /// CPU seconds (user + system) each process spent.
        let hubCPU: Double
        let clientCPU: Double
        /// Seconds for plain SQLite to copy the same rows between two files on this machine
        /// (`INSERT … SELECT` over `ATTACH`, same table and indexes): the floor.
        let plainCopySeconds: Double
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
        let hubPeak = Self.peakMB(of: hub.process.processIdentifier)
        let hubCPU = Self.cpuSeconds(of: hub.process.processIdentifier)
        hub.stop()
        return Result(
            records: records, changes: changes, seconds: seconds, hubPeakMB: hubPeak,
            clientPeakMB: Double(usage.ru_maxrss) / 1024, hubCPU: hubCPU,
            clientCPU: Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6,
            plainCopySeconds: try plainCopy(from: cityPath))
    }

    /// Times plain SQLite copying the city's rows into a new file with the same table.
    private func plainCopy(from cityPath: String) throws -> Double {
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("plain.db").path)
        let schema = try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "ATTACH DATABASE ? AS city", arguments: [cityPath])
            return try String.fetchAll(
                db, sql: "SELECT sql FROM city.sqlite_master WHERE tbl_name = 'contact' AND sql IS NOT NULL")
        }
        return try time {
            try queue.inTransaction { db in
                for statement in schema { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO main.contact SELECT * FROM city.contact")
                return .commit
            }
        }
    }

    /// User plus system CPU seconds of a running process, from /proc.
    static func cpuSeconds(of pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based, whole line).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func print(_ result: Result) {
        Swift.print("Bootstrap of a new county from its city over loopback (one run)\n")
        Swift.print(
            "| records | field changes | seconds | records/s | hub peak MB | client peak MB | hub CPU s | client CPU s | plain SQLite copy s | ratio |"
        )
        Swift.print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        Swift.print(
            "| \(result.records) | \(result.changes) | \(String(format: "%.1f", result.seconds)) | "
                + "\(Int(Double(result.records) / result.seconds)) | "
                + "\(String(format: "%.0f", result.hubPeakMB)) | \(String(format: "%.0f", result.clientPeakMB)) | "
                + "\(String(format: "%.1f", result.hubCPU)) | \(String(format: "%.1f", result.clientCPU)) | "
                + "\(String(format: "%.1f", result.plainCopySeconds)) | "
                + "\(String(format: "%.1f", result.seconds / result.plainCopySeconds))× |")
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
