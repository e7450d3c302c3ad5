import ArgumentParser
import Foundation
import TierSyncClient
import TierSyncPostgres

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Check the node: integrity, schema, free disk (or the PostgreSQL server), the parent, the clock; say what to fix.",
        discussion: "Exits 1 when a check finds a problem (warnings alone exit 0).")

    @OptionGroup var node: NodeOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let findings: [Doctor.Finding]
        if let address = try node.postgres {
            findings = await Doctor(path: node.db).examine {
                let hub = try PostgresHub.open(address: address)
                return (hub, try hub.serverSummary())
            }
        } else {
            findings = await Doctor(path: node.db).examine()
        }
        if json {
            try Output.json(["checks": findings])
        } else {
            for finding in findings {
                let state = finding.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                let check = finding.check.padding(toLength: 10, withPad: " ", startingAt: 0)
                Output.line("\(state) \(check) \(finding.detail)")
                if let fix = finding.fix { Output.line("         \(String(repeating: " ", count: 10)) → \(fix)") }
            }
        }
        if findings.contains(where: { $0.state == .problem }) { throw ExitCode(1) }
    }
}
