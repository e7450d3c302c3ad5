import Foundation
import Testing

/// The README's examples are a contract with users and scripts: every ```sh block runs, in
/// order and as written, with the built `tiersync` on the PATH.
@Suite(.ownThreads) struct ReadmeExampleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL

    /// The ```sh blocks of README.md, in order.
    static func shellBlocks() throws -> [String] {
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [String] = []
        var current: [String]?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" {
                current = []
            } else if let lines = current, line == "```" {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(String(line))
            }
        }
        return blocks
    }

    @Test("every ```sh example of the README runs as written and succeeds")
    func examplesRun() throws {
        let blocks = try Self.shellBlocks()
        #expect(blocks.count >= 5)
        let scratch = try Scratch()
        try FileManager.default.copyItem(
            at: Self.repository.appendingPathComponent("seeds"), to: scratch.directory.appendingPathComponent("seeds"))
        let binaryFolder = try TierSyncProcess.binary.get().deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = binaryFolder + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["TIERSYNC_LOG_LEVEL"] = nil
        // A step that fails ends the script before its `kill`: the servers it started in the
        // background are stopped on exit all the same, so they hold no port for the next run.
        let script =
            "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\ncd '\(scratch.directory.path)'\n"
            + blocks.joined(separator: "\n")
        let run = try Subprocess.run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script], environment: environment, timeout: 120)
        #expect(run.succeeded, "\(run.summary)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        // The examples' effects, checked on the files they made.
        let csv = try Data(contentsOf: scratch.directory.appendingPathComponent("contacts.csv"))
        #expect(csv.starts(with: [0xEF, 0xBB, 0xBF] + Array("id,org,deleted".utf8)))
        let contacts = String(decoding: csv, as: UTF8.self)
        #expect(contacts.contains("示例·李二"))
        #expect(run.stdout.contains("镇应急物资库"))
        // The city hub on PostgreSQL reports the county's contacts: one synced, one by bundle.
        let cityContacts = String(
            decoding: try Data(contentsOf: scratch.directory.appendingPathComponent("city-contacts.csv")), as: UTF8.self
        )
        let panzhou = try #require(cityContacts.split(separator: "\r\n").first { $0.hasPrefix("520281,") })
        #expect(panzhou.split(separator: ",").map(String.init)[6] == "2", "\(cityContacts)")
        #expect(run.stdout.contains("联络人员汇总"))
        // A person's account on the city on PostgreSQL: signed in on one process, read on the other.
        #expect(run.stdout.contains("sign-in 303\n示例·钱三（审核员）\n"), "\(run.stdout)")
        // The city on PostgreSQL accepted the county's filing, and its reserve holds 200 − 50.
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("accepted ") && $0.contains("approved at") }, "\(run.stdout)")
        #expect(lines.contains { $0.contains("市级储备库") && $0.contains("150") }, "\(run.stdout)")
        #expect(
            lines.contains { $0.contains("防汛通知.txt") && $0.hasSuffix("yes") }, "the county holds the city's document")
        #expect(run.stdout.contains("created 1, updated 0"), "the city imported a row")
        // The city's dump, taken while it serves.
        #expect(
            lines.contains { $0.hasPrefix("backed up postgresql://") && $0.contains("to city.dump") }, "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: scratch.directory.appendingPathComponent("city.dump").path))
        // The county's bundle into the city on PostgreSQL, and the city's back.
        #expect(lines.contains { $0.hasPrefix("from 520281: applied ") && !$0.hasPrefix("from 520281: applied 0") })
        #expect(lines.contains { $0.hasPrefix("from 520200: applied ") }, "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: scratch.directory.appendingPathComponent("city.xlsx").path))
    }
}
