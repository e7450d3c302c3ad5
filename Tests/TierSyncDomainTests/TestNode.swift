import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

@testable import TierSyncDomain

/// A node on a temporary file, removed with the value.
final class TestNode {
    let directory: URL
    let node: TierSyncNode

    /// 2026-11-29T10:00:00+08:00.
    static let now: Int64 = 1_795_917_600_000

    init(org: String = "520201") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-domain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        node = try TierSyncNode.create(
            path: directory.appendingPathComponent("node.db").path, org: org,
            wallClock: FixedWallClock(milliseconds: Self.now))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Every record row and log entry, to prove that a refused write changed nothing.
    func snapshot() throws -> [String] {
        var lines: [String] = []
        try node.exportJSON { lines.append($0) }
        lines.append(
            String(try node.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM change_log") ?? -1 }))
        return lines
    }

    /// Runs a write that must be refused: returns the error's message (empty when nothing
    /// was thrown) and whether the database was left exactly as it was.
    func refusal(_ body: () throws -> Void) throws -> (message: String, unchanged: Bool) {
        let before = try snapshot()
        var message = ""
        do { try body() } catch { message = "\(error)" }
        return (message, try snapshot() == before)
    }
}

/// Exports a bundle from `from` for `to` into `directory` and imports it there.
@discardableResult
func sendBundle(
    _ from: TierSyncNode, _ to: TierSyncNode, in directory: URL, name: String = UUID().uuidString
) throws -> ApplyReport {
    let path = directory.appendingPathComponent(name + ".tsb").path
    try from.exportBundle(to: to.org.code, path: path)
    return try to.importBundle(path: path).report
}
