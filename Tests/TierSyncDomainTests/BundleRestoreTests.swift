import Foundation
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// Sync by file across a restore from a backup, either side: the restored node's bundles carry
/// its new log epoch, and its peer sends again what the restored one lost, each record once.
@Suite final class BundleRestoreTests {
    let directory: URL
    var county: TierSyncNode
    var township: TierSyncNode

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-bundle-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        county = try TierSyncNode.create(path: directory.path + "/county.db", org: "520201")
        township = try TierSyncNode.create(path: directory.path + "/township.db", org: "520201101")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func both() throws {
        try sendBundle(township, county, in: directory)
        try sendBundle(county, township, in: directory)
    }

    @discardableResult
    func contact(_ node: TierSyncNode, _ name: String, org: String? = nil) throws -> String {
        try node.add(.contact, org: org, values: ["role": "信息员", "name": name, "phone": "13900000001"]).id.rawValue
    }

    /// Names of the township's live contacts at `node`, sorted, repeats kept.
    func names(_ node: TierSyncNode) throws -> [String] {
        try node.list(.contact, under: "520201101").map { $0["name"].textValue ?? "" }.sorted()
    }

    /// Replaces `node`'s file with the backup at `backup` as `tiersync restore` does, and opens it.
    func restored(_ node: TierSyncNode, from backup: String) throws -> TierSyncNode {
        let file = node.store.path
        try node.store.close()
        _ = try TierSyncNode.restore(from: backup, to: file)
        return try TierSyncNode.open(path: file)
    }

    @Test("a county restored from an older backup gets from its township's next bundle what it had lost")
    func countyRestored() throws {
        try contact(township, "示例·甲")
        try both()
        _ = try county.store.backup(to: path("county-backup.db"))
        try contact(township, "示例·乙")
        try both()
        county = try restored(county, from: path("county-backup.db"))
        #expect(try names(county) == ["示例·甲"])

        try sendBundle(county, township, in: directory)  // the new epoch reaches the township
        try sendBundle(township, county, in: directory)
        #expect(try names(county) == ["示例·乙", "示例·甲"])
        try contact(township, "示例·丙")
        try both()
        #expect(try names(county) == ["示例·丙", "示例·乙", "示例·甲"])
    }

    @Test("a township restored from an older backup gets a snapshot of its scope, its own lost records included")
    func townshipRestored() throws {
        try contact(township, "示例·甲")
        try contact(county, "示例·县录入一", org: "520201101")
        try both()
        _ = try township.store.backup(to: path("township-backup.db"))
        try contact(township, "示例·乙")
        try contact(county, "示例·县录入二", org: "520201101")
        try both()
        township = try restored(township, from: path("township-backup.db"))
        #expect(try names(township) == ["示例·县录入一", "示例·甲"])

        try both()  // the township's new epoch reaches the county, whose next bundle is a snapshot
        try sendBundle(county, township, in: directory)
        let all = ["示例·乙", "示例·县录入一", "示例·县录入二", "示例·甲"]
        #expect(try names(township) == all)
        try contact(township, "示例·丙")
        try both()
        #expect(try names(county) == (all + ["示例·丙"]).sorted())
        #expect(try names(township) == (all + ["示例·丙"]).sorted())
    }

    @Test("a township file copied back by hand is refused before a bundle of its county is applied")
    func copiedBack() throws {
        try contact(township, "示例·甲")
        try both()
        let file = township.store.path
        try township.store.close()  // a copy of a closed file is whole (the log is checkpointed)
        try FileManager.default.copyItem(atPath: file, toPath: path("copy.db"))
        township = try TierSyncNode.open(path: file)
        try contact(township, "示例·乙")
        try both()
        try township.store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        try FileManager.default.copyItem(atPath: path("copy.db"), toPath: file)
        township = try TierSyncNode.open(path: file)
        let before = try names(township)
        #expect(throws: DomainError.self) { try sendBundle(county, township, in: directory) }
        #expect(try names(township) == before)
    }
}
