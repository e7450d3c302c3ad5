import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// Sync by file through a county hub on SQLite and on PostgreSQL: a township's bundle with
/// a damaged file beside it, the county's answer asking for the file again, the file's second
/// trip, and the county's bundle up to the city. The same counts and refusals on both, and
/// the city gets the file byte for byte from either.
@Suite(.serialized) final class BundleConformanceTests {
    let folder: URL
    let database: PostgresScratchDatabase

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bundles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try PostgresScratchDatabase()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @Test("a township's file, damaged on the way, asked for again and sent up to the city: both county stores agree")
    func filesAgree() throws {
        let postgres = try PostgresHub.create(
            address: database.address, org: "520201", nodeID: NodeID("00000000000000c2")!,
            logger: PostgresScratchDatabase.silent)
        defer { postgres.store.close() }
        let sqlite = try TierSyncNode.create(path: path("county.db"), org: "520201")
        var random = SplitMix64(seed: 5)
        var bytes = [UInt8](repeating: 0, count: 2 * BlobStore.chunkSize + 300_000)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: random.next()) }
        FileManager.default.createFile(atPath: path("预案.pdf"), contents: Data(bytes))

        var outcomes: [[String]] = []
        for county in [sqlite as any NodeWorkspace, postgres] {
            let name = storeName(county)
            let township = try TierSyncNode.create(path: path("town-\(name).db"), org: "520201101")
            let city = try TierSyncNode.create(path: path("city-\(name).db"), org: "520200")
            var seen: [String] = []
            let plan = try township.add(
                .plan, values: ["title": "示例·防汛应急预案", "level": "grassroots", "status": "published"])
            let attachment = try township.attach(.plan, id: plan.id.rawValue, file: path("预案.pdf"))
            let up = path("up-\(name).tsb")
            seen.append(Self.describe(try township.exportBundle(to: "520201", path: up)))
            try Self.damage(TierSyncNode.filesFolder(ofBundle: up) + "/" + attachment.sha256)
            seen.append(Self.describe(try county.importBundle(path: up, skewBound: ChangeWriter.defaultSkewBound)))
            seen.append("here: \(try county.attachments(record: plan.id.rawValue).map(\.here))")
            // The county's answer says it still lacks the file; the township's next bundle carries it.
            let down = path("down-\(name).tsb")
            seen.append(Self.describe(try county.exportBundle(to: "520201101", path: down)))
            seen.append(Self.describe(try township.importBundle(path: down)))
            let again = path("again-\(name).tsb")
            seen.append(Self.describe(try township.exportBundle(to: "520201", path: again)))
            seen.append(Self.describe(try county.importBundle(path: again, skewBound: ChangeWriter.defaultSkewBound)))
            seen.append("here: \(try county.attachments(record: plan.id.rawValue).map(\.here))")
            let toCity = path("city-\(name).tsb")
            seen.append(Self.describe(try county.exportBundle(to: "520200", path: toCity)))
            // A bundle for another org is refused before anything is read.
            seen.append(
                "for the city: "
                    + Self.refusal {
                        _ = try county.importBundle(path: toCity, skewBound: ChangeWriter.defaultSkewBound)
                    })
            try Self.damage(TierSyncNode.filesFolder(ofBundle: toCity) + "/" + attachment.sha256)
            seen.append(Self.describe(try city.importBundle(path: toCity)))
            // The city asks the county for the file again, which the county's next bundle carries.
            let fromCity = path("from-city-\(name).tsb")
            seen.append(Self.describe(try city.exportBundle(to: "520201", path: fromCity)))
            seen.append(
                Self.describe(try county.importBundle(path: fromCity, skewBound: ChangeWriter.defaultSkewBound)))
            let cityAgain = path("city-again-\(name).tsb")
            seen.append(Self.describe(try county.exportBundle(to: "520200", path: cityAgain)))
            seen.append(Self.describe(try city.importBundle(path: cityAgain)))
            try city.saveAttachment(attachment.id, to: path("at-city-\(name).pdf"))
            seen.append(
                "the city's copy is the same: \(FileManager.default.contentsEqual(atPath: path("预案.pdf"), andPath: path("at-city-\(name).pdf")))"
            )
            outcomes.append(seen)
        }
        #expect(outcomes[0] == outcomes[1], "SQLite \(outcomes[0])\nPostgreSQL \(outcomes[1])")
        #expect(outcomes[0][1].contains("damaged 1") && outcomes[0][2] == "here: [false]", "\(outcomes[0])")
        #expect(outcomes[0][6].contains("stored 1") && outcomes[0][7] == "here: [true]", "\(outcomes[0])")
        #expect(outcomes[0][9].contains("this one is for 520200"), "\(outcomes[0][9])")
        #expect(outcomes[0][10].contains("damaged 1") && outcomes[0][14].contains("stored 1"), "\(outcomes[0])")
        #expect(outcomes[0][13].hasPrefix("wrote 0 changes") && outcomes[0][13].contains("files 1"), "\(outcomes[0])")
        #expect(outcomes[0].last == "the city's copy is the same: true", "\(outcomes[0])")
    }

    /// Changes a byte of the file at `path`, as a bad USB stick might.
    static func damage(_ path: String) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: [0x55])
        try handle.close()
    }

    static func describe(_ summary: TierSyncNode.BundleSummary) -> String {
        "wrote \(summary.changes) changes for \(summary.toOrg), files \(summary.files) of \(summary.fileBytes) bytes"
    }

    static func describe(_ result: TierSyncNode.BundleImport) -> String {
        let report = result.report
        return
            "from \(result.fromOrg): applied \(report.applied), known \(report.alreadyKnown), conflicts \(report.conflicts), refused \(report.refused.count); files stored \(result.files.stored), skipped \(result.files.skipped), damaged \(result.files.damaged.count)"
    }

    static func refusal(_ attempt: () throws -> Void) -> String {
        do {
            try attempt()
            return "not refused"
        } catch {
            return "refused: \(error)".replacingOccurrences(
                of: #"/tmp/[^ ]*\.tsb"#, with: "BUNDLE", options: .regularExpression)
        }
    }
}
