import Foundation

/// `tiersync-bench`: measured comparisons whose results go in BENCHMARKS.md.
///
/// ```
/// swift run -c release tiersync-bench local-write [--records 100000] [--runs 5]
/// ```
@main
enum BenchmarkCommand {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, name == "local-write" else {
            FileHandle.standardError.write(Data("usage: tiersync-bench local-write [--records N] [--runs R]\n".utf8))
            exit(2)
        }
        arguments.removeFirst()
        var records = 100_000
        var runs = 5
        while let flag = arguments.first {
            arguments.removeFirst()
            guard let value = arguments.first.flatMap(Int.init), value > 0 else {
                FileHandle.standardError.write(Data("\(flag) needs a positive whole number\n".utf8))
                exit(2)
            }
            arguments.removeFirst()
            switch flag {
            case "--records": records = value
            case "--runs": runs = value
            default:
                FileHandle.standardError.write(Data("unknown option \(flag); allowed: --records, --runs\n".utf8))
                exit(2)
            }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let results = try LocalWriteBenchmark(records: records, runs: runs, directory: directory).run()
        print("Local write with change capture vs plain SQLite (median of \(runs) alternating runs)\n")
        print(
            "| scenario | rows | plain SQLite rows/s | plain + log rows, SQL only (÷ plain) | TierSync rows/s | TierSync time ÷ plain |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for result in results {
            let floor = String(format: "%.2f", result.ratio(.plainWithLog))
            let ratio = String(format: "%.2f", result.ratio(.tierSync))
            print(
                "| \(result.name) | \(result.count) | \(result.rate(.plain)) | \(result.rate(.plainWithLog)) (\(floor)×) | "
                    + "\(result.rate(.tierSync)) | **\(ratio)×** |")
        }
    }
}
