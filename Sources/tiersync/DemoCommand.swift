import ArgumentParser
import Foundation
import TierSyncClient
import TierSyncDomain
import TierSyncReports

/// `tiersync demo`: the live hierarchy on the embedded default, nothing to configure. A
/// province, a city and a county hub as real processes on loopback, two townships enrolled
/// under the county, offline entry at every level, one concurrent edit, and the syncs that
/// carry it all up and back down.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a live province → city → county → township hierarchy on this machine and sync it.")

    @Option(help: ArgumentHelp("Folder for the demo's nodes (default: a new temporary folder).", valueName: "dir"))
    var dir: String?
    @Flag(help: "Leave the hubs running and print their URLs.") var keepRunning = false

    func run() async throws {
        let folder = URL(
            fileURLWithPath: dir
                ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                    "tiersync-demo-\(UUID().uuidString.prefix(8))"
                ).path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        Output.line("TierSync demo in \(folder.path)\n")

        var hubs: [(String, HubLauncher)] = []
        func startHub(_ name: String, _ node: TierSyncNode) throws -> URL {
            let hub = try HubLauncher(
                db: node.store.path, log: folder.appendingPathComponent("\(name).log"), syncInterval: 3600)
            hubs.append((name, hub))
            Output.line("  hub \(node.org.name) \(node.org.code) listening on \(hub.url)")
            return URL(string: hub.url)!
        }
        func enrolled(_ parent: TierSyncNode, at url: URL, org: String, file: String) async throws -> TierSyncNode {
            let code = try parent.issueEnrollment(for: org, hours: 1).code
            let (node, _) = try await Enrollment.join(path: path(file), parent: url, code: code)
            Output.line("  \(node.org.name) \(org) joined \(parent.org.name) with a one-time code")
            return node
        }

        Output.line("1. Nodes: each a SQLite file; hubs are separate processes")
        let province = try TierSyncNode.create(path: path("province.db"), org: "520000")
        let city = try await enrolled(province, at: try startHub("province", province), org: "520200", file: "city.db")
        let county = try await enrolled(city, at: try startHub("city", city), org: "520201", file: "county.db")
        let countyURL = try startHub("county", county)
        let dahe = try await enrolled(county, at: countyURL, org: "520201101", file: "dahe.db")
        let wangjiazhai = try await enrolled(county, at: countyURL, org: "520201102", file: "wangjiazhai.db")
        defer { if !keepRunning { for (_, hub) in hubs { hub.stop() } } }

        Output.line("\n2. Offline entry at every level")
        try DemoScenario.enterTownshipRecords(dahe)
        try wangjiazhai.add(.contact, values: ["role": "信息员", "name": "示例·周八", "phone": "13900000008"])
        try DemoScenario.enterUpperLevelRecords(county, contact: ("示例·吴九", "13900000009"))
        try DemoScenario.enterUpperLevelRecords(city, contact: ("示例·郑十", "13900000010"))
        try DemoScenario.enterUpperLevelRecords(province, contact: ("示例·冯一", "13900000011"))
        for node in [dahe, wangjiazhai, county, city, province] {
            Output.line(
                "  \(node.org.name): \(try RecordKind.editableKinds.map { try node.list($0).count }.reduce(0, +)) records"
            )
        }

        Output.line("\n3. Sync up (each node pushes to its parent, which forwards)")
        try await sync([dahe, wangjiazhai, county, city])

        Output.line("\n4. One contact edited at the same time at the township and at the county")
        let officer = try dahe.list(.contact).first { $0["role"] == .text("information-officer") }!
        try dahe.set(.contact, id: officer.id.rawValue, values: ["phone": "13900000101"])
        try await Task.sleep(for: .milliseconds(5))  // the county's edit is the later one
        try county.set(.contact, id: officer.id.rawValue, values: ["phone": "13900000202"])
        Output.line("  大河镇 sets \(officer["name"]) to 13900000101; 钟山区 sets it to 13900000202")
        try await sync([dahe, county, city, county, dahe, wangjiazhai])

        Output.line("\n5. Every node shows the same value; the conflict is listed for review")
        for node in [dahe, county, city] {
            Output.line("  \(node.org.name): \(try node.show(.contact, id: officer.id.rawValue)["phone"])")
        }
        let conflicts = try county.conflicts()
        for conflict in conflicts {
            Output.line(
                "  conflict \(conflict.id) on \(conflict.field): shown \(conflict.current.value) (\(conflict.current.org ?? "?")), "
                    + "other \(conflict.other.value) (\(conflict.other.org ?? "?")); resolve with: "
                    + "tiersync conflicts resolve --db \(path("county.db")) \(conflict.id) --keep other")
        }
        let seesSibling = try dahe.list(.contact).contains { $0.org == wangjiazhai.org.code }
        Output.line(
            "  \(dahe.org.name) sees \(wangjiazhai.org.name)'s records? \(seesSibling ? "yes (wrong!)" : "no: siblings are isolated")"
        )

        Output.line("\n6. Status")
        for node in [dahe, wangjiazhai, county, city] {
            let status = try node.syncStatus()
            Output.line(
                "  \(node.org.name): last sync \(status.lastSync ?? "never"), \(status.waiting) waiting, \(status.openConflicts) open conflicts"
            )
        }
        Output.line(
            "  \(province.org.name): \(try RecordKind.editableKinds.map { try province.list($0).count }.reduce(0, +)) records of the whole province"
        )

        Output.line("\n7. The city's consolidated view: plan coverage of its whole subtree")
        let coverage = try city.store.read { db in
            try Report.make(.coverage, org: city.org.code, options: ReportOptions(), db: db)
        }
        Output.write(ReportText.render(coverage.table("summary")!))
        Output.line(
            "  (every report: tiersync report coverage|contacts|reserves|drills|timeliness|tasks --db \(path("city.db")))"
        )
        if keepRunning {
            Output.line("\nHubs left running (stop them with kill):")
            for (name, hub) in hubs { Output.line("  \(name): \(hub.url) (pid \(hub.process.processIdentifier))") }
            let officer = try city.addOperator(name: "示例·城市值班员")
            let cityURL = hubs.first { $0.0 == "city" }!.1.url
            Output.line(
                "\nThe city's dashboard: \(cityURL)/ (sign in with the operator credential \(officer.credential))")
        }
    }

    /// Runs one sync per node, in order, printing what moved.
    func sync(_ nodes: [TierSyncNode]) async throws {
        for node in nodes {
            let summary = try await SyncSession(node: node).run()
            Output.line(
                "  \(node.org.name) ↔ parent: pushed \(summary.pushed) field changes, pulled \(summary.pulled), "
                    + "conflicts found \(summary.conflicts)")
        }
    }
}
