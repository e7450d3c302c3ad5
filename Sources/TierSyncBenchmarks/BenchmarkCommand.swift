import ArgumentParser
import Foundation

/// `tiersync-bench`: measured comparisons whose results go in BENCHMARKS.md.
///
/// ```
/// swift run -c release tiersync-bench local-write --records 100000 --runs 5
/// swift run -c release tiersync-bench apply --changes 100000 --runs 3
/// ```
@main
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiersync-bench",
        abstract: "Side-by-side benchmarks of TierSync against plain SQLite; prints Markdown tables.",
        subcommands: [LocalWrite.self, Apply.self])

    struct LocalWrite: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "local-write", abstract: "Local writes with change capture vs plain SQLite writes.")
        @Option(help: "Records per bulk scenario.") var records = 100_000
        @Option(help: "Alternating runs; the median is reported.") var runs = 5

        func run() throws {
            try withTemporaryDirectory { directory in
                let benchmark = LocalWriteBenchmark(records: records, runs: runs, directory: directory)
                benchmark.print(try benchmark.run())
            }
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply", abstract: "Applying remote field changes (with conflicts) vs plain SQLite upserts.")
        @Option(help: "Remote field changes in the batch.") var changes = 100_000
        @Option(help: "Percent of the batch's records that the receiver also created (each field conflicts).")
        var conflictPercent = 5
        @Option(help: "Alternating runs; the median is reported.") var runs = 3

        func run() throws {
            try withTemporaryDirectory { directory in
                let benchmark = ApplyBenchmark(
                    changes: changes, conflictPercent: conflictPercent, runs: runs, directory: directory)
                benchmark.print(try benchmark.run())
            }
        }
    }
}

func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
}
