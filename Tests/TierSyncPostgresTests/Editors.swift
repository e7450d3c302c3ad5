import Foundation
import GRDB
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// Three SQLite nodes (a township, its county, the city) that edit the township's contacts
/// and tasks offline, approve and unapprove tasks from above, and exchange some of their
/// changes among themselves: histories with concurrent edits, conflicts kept, settled and
/// promoted, approvals, and deletes.
final class Editors {
    let folder: URL
    let clock: FixedStepClock
    let editors: [NodeStore]
    /// Each editor's org, as a push names it.
    let orgs: [NodeID: String]
    static let township = "520201101"
    static let units = [
        OrgUnit(code: "520000", parent: nil, name: "贵州省", level: .province, path: "520000", sample: false),
        OrgUnit(code: "520200", parent: "520000", name: "六盘水市", level: .city, path: "520000/520200", sample: false),
        OrgUnit(
            code: "520201", parent: "520200", name: "钟山区", level: .county, path: "520000/520200/520201", sample: false),
        OrgUnit(
            code: township, parent: "520201", name: "大河镇", level: .township, path: "520000/520200/520201/520201101",
            sample: true),
        OrgUnit(
            code: "520201102", parent: "520201", name: "汪家寨镇", level: .township,
            path: "520000/520200/520201/520201102", sample: true),
    ]

    init(random: inout SplitMix64, steps: Int = 80) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock = FixedStepClock(1_764_000_000_000)
        (self.folder, self.clock) = (folder, clock)
        let levels = [Self.township, "520201", "520200"]
        editors = try levels.enumerated().map { index, org in
            try Self.store(
                folder.appendingPathComponent("e\(index).db").path, org: org, seed: UInt64(index + 1), clock: clock)
        }
        orgs = Dictionary(uniqueKeysWithValues: zip(editors.map(\.node.id), levels))
        try editRandomly(steps: steps, random: &random)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The hub both backends stand for, as a SQLite node of the city.
    func hub() throws -> NodeStore {
        try Self.store(
            folder.appendingPathComponent("hub-\(UUID().uuidString).db").path, org: "520200", seed: 99, clock: clock)
    }

    static func store(_ path: String, org: String, seed: UInt64, clock: any WallClock) throws -> NodeStore {
        var random = SplitMix64(seed: seed)
        return try NodeStore.create(
            path: path, org: org, policies: RecordKind.mergePolicies, wallClock: clock, randomNumbers: &random
        ) { db in
            for unit in units { try unit.insert(db) }
        }
    }

    static func log(_ store: NodeStore) throws -> [FieldChange] {
        try store.read { db in try ChangeLogEntry.fetch(db).map(\.change) }
    }

    /// The tables the editors write: contacts, and tasks that the county and the city approve.
    static let tables = ["contact", "task"]

    private func editRandomly(steps: Int, random: inout SplitMix64) throws {
        let ids = (0..<6).map { _ in RecordID.random(using: &random) }
        for _ in 0..<steps {
            clock.advance(by: Int64.random(in: 1...20, using: &random))
            let index = Int.random(in: 0..<editors.count, using: &random)
            let editor = editors[index]
            let id = ids.randomElement(using: &random)!
            let slot = ids.firstIndex(of: id)!
            let table = slot % 2 == 0 ? "contact" : "task"
            // Most records are the township's; some are its county's own.
            let owner = slot % 3 == 2 ? "520201" : Self.township
            let existing = try editor.write { try $0.fetch(table: table, id: id) }
            // As the domain refuses it (`requireUnlocked`): no write to a record approved above.
            let approver = existing?["approved_by"].textValue
            let lockedHere = approver.map { !Self.path($0).hasPrefix(Self.path(orgs[editor.node.id]!)) } ?? false
            switch lockedHere ? 11 : Int.random(in: 0..<12, using: &random) {
            case 0..<2 where existing == nil:
                try editor.write { writer in
                    try writer.insert(table: table, id: id, org: owner, fields: Self.fields(table, &random))
                }
            case 0..<6 where existing?.deleted == false:
                try editor.write { writer in
                    try writer.update(table: table, id: id, fields: Self.fields(table, &random))
                }
            case 6 where existing?.deleted == false:
                try editor.write { writer in try writer.delete(table: table, id: id) }
            case 7..<9 where existing?.deleted == false && table == "task" && index > 0:
                // An approval (or its withdrawal) by the county or the city, as the domain writes it.
                let approver: FieldValue = Bool.random(using: &random) ? .text(orgs[editor.node.id]!) : .null
                try editor.write { writer in
                    try writer.update(table: table, id: id, fields: ["approved_by": approver], onTopOfRecord: true)
                }
            default:
                let target = editors.filter { $0 !== editor }.randomElement(using: &random)!
                let batch = try Self.log(editor).filter { _ in Bool.random(using: &random) }
                _ = try target.write { try $0.apply(batch, nodes: orgs) }
            }
        }
    }

    /// The seed of a random test: `TIERSYNC_TEST_SEED` replays a failure an earlier run printed.
    static func seed() -> UInt64 {
        ProcessInfo.processInfo.environment["TIERSYNC_TEST_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 0...UInt64.max)
    }

    static func path(_ org: String) -> String { units.first { $0.code == org }!.path }

    static func fields(_ table: String, _ random: inout SplitMix64) -> [String: FieldValue] {
        let names = table == "contact" ? ["name", "phone", "post"] : ["title", "status", "note", "approved_note"]
        var fields: [String: FieldValue] =
            table == "contact" ? ["role": .text("information-officer")] : ["deadline": .text("2026-12-31")]
        for field in names where Bool.random(using: &random) {
            fields[field] = .text("\(field)-\(Int.random(in: 0..<3, using: &random))")
        }
        if fields[names[0]] == nil { fields[names[0]] = .text("示例·\(Int.random(in: 0..<9, using: &random))") }
        return fields
    }
}

/// A wall clock the test moves forward by hand.
final class FixedStepClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var milliseconds: Int64
    init(_ milliseconds: Int64) { self.milliseconds = milliseconds }
    func nowMilliseconds() -> Int64 { lock.withLock { milliseconds } }
    func advance(by step: Int64) { lock.withLock { milliseconds += step } }
    func set(_ milliseconds: Int64) { lock.withLock { self.milliseconds = milliseconds } }
}

/// The two backends side by side, fed the editors' changes: a SQLite node of the city and a
/// PostgreSQL store in a database of its own, with the same node id, policies and clock.
struct Backends {
    let editors: Editors
    let database: PostgresScratchDatabase
    let sqlite: NodeStore
    let postgres: PostgresStore

    init(random: inout SplitMix64, steps: Int = 80) throws {
        editors = try Editors(random: &random, steps: steps)
        database = try PostgresScratchDatabase()
        sqlite = try editors.hub()
        postgres = try PostgresStore.create(
            address: database.address, org: "520200", orgs: Editors.units, nodeID: sqlite.node.id,
            policies: RecordKind.mergePolicies, wallClock: editors.clock)
    }

    func close() throws {
        postgres.close()
        try sqlite.close()
    }
}

/// Which store a hub of a conformance test keeps its records in, for the tests' messages.
func storeName(_ hub: any NodeWorkspace) -> String { hub is TierSyncNode ? "SQLite" : "PostgreSQL" }
