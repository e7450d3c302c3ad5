import Foundation
import GRDB
import TierSyncCore

@testable import TierSyncStore

/// A temporary folder removed when the test is done with it.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A wall clock the test moves by hand.
final class ManualWallClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var milliseconds: Int64
    init(_ milliseconds: Int64) { self.milliseconds = milliseconds }
    func nowMilliseconds() -> Int64 { lock.withLock { milliseconds } }
    func set(_ value: Int64) { lock.withLock { milliseconds = value } }
}

enum TestStore {
    static let org = "520201"

    /// The org units the tests need.
    static func seed(_ db: Database) throws {
        try OrgUnit(code: "520000", parent: nil, name: "贵州省", level: .province, path: "520000", sample: false).insert(
            db)
        try OrgUnit(code: "520200", parent: "520000", name: "六盘水市", level: .city, path: "520000/520200", sample: false)
            .insert(db)
        try OrgUnit(
            code: org, parent: "520200", name: "钟山区", level: .county, path: "520000/520200/520201", sample: false
        ).insert(db)
    }

    static func create(_ path: String, clock: any WallClock = ManualWallClock(1_764_000_000_000), seed node: UInt64 = 1)
        throws -> NodeStore
    {
        var random = SplitMix64(seed: node)
        return try NodeStore.create(path: path, org: org, wallClock: clock, randomNumbers: &random, seed: seed)
    }

    static func changeLog(_ store: NodeStore) throws -> [FieldChange] {
        try store.read { db in try ChangeLogEntry.fetch(db).map(\.change) }
    }

    static func newID(_ n: UInt64) -> RecordID {
        var random = SplitMix64(seed: n)
        return RecordID.random(using: &random)
    }
}
