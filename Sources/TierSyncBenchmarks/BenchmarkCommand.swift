import ArgumentParser
import Foundation
import Logging
import TierSyncPostgres

/// `tiersync-bench`: measured comparisons whose results go in BENCHMARKS.md.
///
/// ```
/// swift run -c release tiersync-bench local-write --records 100000 --runs 5
/// swift run -c release tiersync-bench apply --changes 100000 --runs 3
/// ```
@main
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiersync-bench",
        abstract: "Side-by-side benchmarks of TierSync against plain SQLite; prints Markdown tables.",
        subcommands: [
            LocalWrite.self, Apply.self, WireBytes.self, Bootstrap.self, FanIn.self, GroupApply.self, Reports.self,
            ListPage.self,
            Import.self, CutLink.self, Soak.self, Files.self, Province.self,
        ])

    static func main() async {
        // Only warnings and errors: the tables go to standard output.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand { try await command.run() } else { try command.run() }
        } catch {
            exit(withError: error)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "A contact workbook imported (read, checked, written) vs plain SQLite inserts.")
        @Option(help: "Rows in the workbook.") var rows = 10_000
        @Option(help: "Alternating runs; the median is reported.") var runs = 3
        @Option(help: "A PostgreSQL server (postgresql://…) to import into a hub on too, in databases of its own.")
        var postgres: String?

        func run() throws {
            try withTemporaryDirectory { directory in
                var benchmark = ImportBenchmark(rows: rows, runs: runs, directory: directory)
                benchmark.postgres = try postgres.map(PostgresAddress.init(parsing:))
                try benchmark.run()
            }
        }
    }

    struct LocalWrite: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "local-write", abstract: "Local writes with change capture vs plain SQLite writes.")
        @Option(help: "Records per bulk scenario.") var records = 100_000
        @Option(help: "Alternating runs; the median is reported.") var runs = 5

        func run() throws {
            try withTemporaryDirectory { directory in
                let benchmark = LocalWriteBenchmark(records: records, runs: runs, directory: directory)
                benchmark.print(try benchmark.run())
                try LogReadBenchmark(records: records, runs: runs, directory: directory).run()
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
        @Option(help: "A PostgreSQL server (postgresql://…) to apply the same batch on too, in databases of its own.")
        var postgres: String?

        func run() throws {
            try withTemporaryDirectory { directory in
                var benchmark = ApplyBenchmark(
                    changes: changes, conflictPercent: conflictPercent, runs: runs, directory: directory)
                benchmark.postgres = try postgres.map(PostgresAddress.init(parsing:))
                benchmark.print(try benchmark.run())
            }
        }
    }
}

extension BenchmarkCommand {
    struct Province: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "province",
            abstract:
                "One day of a province's edits synced through county and city hubs: settle time, each hub's CPU and memory."
        )
        @Option(help: "County hubs under the city.") var counties = 10
        @Option(help: "Township nodes enrolled with each county.") var townships = 150
        @Option(help: "Seconds between each hub's syncs with its parent.") var interval = 2.0
        @Option(
            help: ArgumentHelp(
                "Keep the province on this PostgreSQL server, in a database the run makes and drops.",
                valueName: "postgresql://USER@HOST:PORT/DB"))
        var postgres: String?
        @Flag(help: "With --postgres, keep the city hub there too, in a database of its own.")
        var postgresCity = false

        func run() async throws {
            let server = try postgres.map { try PostgresAddress(parsing: $0) }
            guard !postgresCity || server != nil else { throw ValidationError("--postgres-city needs --postgres URL") }
            try await withTemporaryDirectory { directory in
                var simulation = ProvinceSimulation(
                    counties: counties, townshipsPerCounty: townships, interval: interval, directory: directory,
                    postgres: server)
                simulation.postgresCity = postgresCity
                simulation.print(try await simulation.run())
            }
        }
    }

    struct Bootstrap: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap",
            abstract: "A new county pulling its scope from its city: records/s and peak memory.")
        @Option(help: "Records at the city in the county's scope.") var records = 100_000

        func run() throws {
            try withTemporaryDirectory { directory in
                let benchmark = BootstrapBenchmark(records: records, directory: directory)
                benchmark.print(try benchmark.run())
            }
        }
    }

    struct Reports: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reports", abstract: "Every rollup on a province-sized hub vs a plain count(*) of its tables.")
        @Option(help: "Records across the tables.") var records = 1_000_000
        @Option(help: "Runs per report; the median is reported.") var runs = 3
        @Option(help: "Keep the database in this folder (for EXPLAIN QUERY PLAN) instead of a temporary one.")
        var keep: String?
        @Option(
            help: ArgumentHelp(
                "A PostgreSQL server to make the same reports on too, from a copy of the records in a database of its own.",
                valueName: "postgresql://USER@HOST:PORT/DB"))
        var postgres: String?

        func run() throws {
            let server = try postgres.map { try PostgresAddress(parsing: $0) }
            func measure(in directory: URL) throws {
                var benchmark = ReportsBenchmark(records: records, runs: runs, directory: directory)
                benchmark.postgres = server
                benchmark.print(try benchmark.run())
            }
            guard let keep else { return try withTemporaryDirectory(measure(in:)) }
            try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            try measure(in: URL(fileURLWithPath: keep))
        }
    }

    struct ListPage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-page", abstract: "The workbench's contact list over HTTP vs its plain SQL queries.")
        @Option(help: "Contacts in the county.") var contacts = 20_000
        @Option(help: "Requests per scenario; p50 and p95 are reported.") var requests = 50
        @Option(
            help: ArgumentHelp(
                "A PostgreSQL server to serve the same county from too, copied into a database of its own.",
                valueName: "postgresql://USER@HOST:PORT/DB"))
        var postgres: String?

        func run() async throws {
            let server = try postgres.map { try PostgresAddress(parsing: $0) }
            try await withTemporaryDirectory { directory in
                var benchmark = ListPageBenchmark(contacts: contacts, requests: requests, directory: directory)
                benchmark.postgres = server
                benchmark.print(try await benchmark.run())
            }
        }
    }

    struct CutLink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cut-link",
            abstract: "Bytes sent again when a slow link cuts connections, against a clean sync.")
        @Option(help: "Contacts the county pushes (the city adds half as many to pull).") var contacts = 3_000
        @Option(help: "Fraction of connections cut.") var cutRate = 0.3
        @Option(help: "Delay of every chunk, in seconds.") var latency = 0.3
        @Option(help: "The first proxy seed; each cut trial takes the next.") var seed = 1
        @Option(help: "Cut syncs to run, one per seed.") var trials = 5
        @Option(help: "The link proxy script.") var proxy = "Tests/Links/faulty_link.py"

        func run() async throws {
            try await withTemporaryDirectory { directory in
                let benchmark = CutLinkBenchmark(
                    contacts: contacts, cutRate: cutRate, latency: latency, seed: seed, script: proxy,
                    directory: directory)
                benchmark.print(try await benchmark.run(trials: trials))
            }
        }
    }

    struct WireBytes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wire-bytes", abstract: "Bytes a sync sends for field edits vs gzip -9 CSV and rsync.")
        @Option(help: "Field edits to sync.") var edits = 10_000

        func run() async throws {
            try await withTemporaryDirectory { directory in
                let benchmark = WireBytesBenchmark(edits: edits, directory: directory)
                benchmark.print(try await benchmark.run())
            }
        }
    }
}

/// Runs `body` in a new folder that is removed afterwards.
func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
}

func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}

private func makeTemporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}
