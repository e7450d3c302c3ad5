import ArgumentParser
import Foundation
import TierSyncPostgres

/// The commands of the benchmarks of a hub under load: its writer alone, a fan-in of pushes,
/// a large file, a soak of syncing townships.
extension BenchmarkCommand {
    struct GroupApply: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "group-apply",
            abstract: "The fan-in's pushes applied by the hub's writer alone, in groups, vs plain SQLite upserts.")
        @Option(help: "Pushes, each from a township of its own.") var pushes = 1_000
        @Option(help: "Changes in each push.") var changes = 100
        @Option(help: "Pushes applied together in one transaction.") var group = 256
        @Option(help: "Alternating runs; the median is reported.") var runs = 3

        func run() throws {
            try withTemporaryDirectory { directory in
                let benchmark = GroupApplyBenchmark(
                    pushes: pushes, changes: changes, group: group, runs: runs, directory: directory)
                benchmark.print(try benchmark.run())
            }
        }
    }

    struct FanIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fan-in", abstract: "Township clients pushing at once to one county hub.")
        @Option(help: "Simulated township clients.") var clients = 1_000
        @Option(help: "Changes each client pushes.") var changes = 100
        @Option(
            help: ArgumentHelp(
                "Keep the county hub on this PostgreSQL server, in a database the run makes and drops.",
                valueName: "postgresql://USER@HOST:PORT/DB"))
        var postgres: String?
        @Option(
            help: ArgumentHelp(
                "What sends the pushes: a lean load generator (raw), or the project's own client (urlsession), whose CPU on the same cores counts against the hub."
            ))
        var client: FanInBenchmark.Client = .raw

        func run() async throws {
            let server = try postgres.map { try PostgresAddress(parsing: $0) }
            try await withTemporaryDirectory { directory in
                let benchmark = FanInBenchmark(
                    clients: clients, changes: changes, directory: directory, postgres: server, client: client)
                let result = try await benchmark.run()
                benchmark.print(result)
                // A failed push makes the figures meaningless: CI's small run must catch it.
                if result.errors > 0 {
                    throw ValidationErrorText("\(result.errors) of \(result.clients) pushes failed")
                }
            }
        }
    }

    struct Files: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "files",
            abstract: "A large attachment to a hub beside curl, then through a link that cuts; peak memory.")
        @Option(help: "The file's size in MB.") var mb = 200
        @Option(help: "Each connection through the cutting link is cut after 1 byte to this many MB.") var cutMb = 8
        @Option(help: "The link proxy script.") var proxy = "Tests/Links/faulty_link.py"

        func run() async throws {
            try await withTemporaryDirectory { directory in
                let benchmark = FilesBenchmark(megabytes: mb, cutMB: cutMb, script: proxy, directory: directory)
                benchmark.print(try await benchmark.run())
            }
        }
    }

    struct Soak: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "soak", abstract: "Township clients syncing continuously against one county hub; its memory.")
        @Option(help: "Simulated township clients.") var clients = 1_000
        @Option(help: "How long, in seconds.") var seconds = 600
        @Option(help: "Changes per push.") var changes = 20
        @Option(help: "Seconds between a client's syncs, on average (a node's --sync-interval is 30).")
        var interval = 30.0

        func run() async throws {
            try await withTemporaryDirectory { directory in
                let benchmark = SoakBenchmark(
                    clients: clients, seconds: seconds, changes: changes, interval: interval, directory: directory)
                benchmark.print(try await benchmark.run())
            }
        }
    }
}

extension FanInBenchmark.Client: ExpressibleByArgument {}
