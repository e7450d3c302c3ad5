import Foundation
import GRDB
import TierSyncCore

extension ChangeWriter {
    /// How far ahead of this node's clock a remote stamp may be: 24 hours.
    public static let defaultSkewBound: Int64 = 24 * 3_600_000

    /// Applies remote changes, in this transaction: idempotent (a change seen before has no
    /// effect), independent of order, with conflicts kept for review. Each applied change
    /// enters the local log with its original stamp, node and vector, so it can be forwarded.
    ///
    /// A change that is malformed, or whose stamp is more than `skewBound` milliseconds ahead
    /// of this node's clock, is refused with a reason in the report; the rest still applies.
    ///
    /// - Parameters:
    ///   - nodes: the org of each node whose changes are in the batch, as the sender knows
    ///     them; the merge ranks versions by them.
    ///   - directory: the directory, when the caller already read it in this transaction.
    public mutating func apply(
        _ changes: some Sequence<FieldChange>, nodes: [NodeID: String] = [:], skewBound: Int64 = defaultSkewBound,
        directory known: PeerDirectory? = nil
    ) throws -> ApplyReport {
        var directory = try known ?? directory()
        for (peer, org) in nodes where peer != node { try directory.register(peer, org: org, in: db) }
        var report = ApplyReport()
        // Batches come record by record, so the record being changed is kept out of the
        // dictionary (and uniquely referenced): no copy of its fields per change.
        var current: RecordState?
        var others: [RecordKey: RecordState] = [:]
        var pendingLog: [FieldChange] = []
        // Records whose approval changed in this batch: their fields are ranked again at the
        // end, whatever order the approval and the edits arrived in.
        var relocked: Set<RecordKey> = []
        let now = max(wallClock.nowMilliseconds(), clock.last.physical)
        var newest = HLCTimestamp.zero
        for var change in changes {
            let table: SyncedTable
            switch check(change, now: now, skewBound: skewBound) {
            case .failure(let refusal):
                report.refused.append(.init(change, reason: refusal.reason))
                continue
            case .success(nil):
                // A later release's table or field: kept as it came, and forwarded.
                if try keepOpaque(change) {
                    report.opaque += 1
                    pendingLog.append(change)
                    newest = max(newest, change.hlc)
                } else {
                    report.alreadyKnown += 1
                }
                continue
            case .success(let (checked, field)?):
                table = checked
                if let field { change.value = table.normalized(change.value, for: field) }
            }
            var state: RecordState
            if let record = current, record.id == change.record, record.table.name == change.table {
                state = record
                current = nil
            } else {
                if let record = current { others[RecordKey(table: record.table.name, id: record.id)] = record }
                current = nil
                if let cached = others.removeValue(forKey: RecordKey(table: change.table, id: change.record)) {
                    state = cached
                } else if let stored = try fetch(table: change.table, id: change.record) {
                    state = RecordState(stored, table: table)
                } else {
                    state = RecordState(table: table, id: change.record, org: change.org, created: change.hlc)
                }
            }
            defer { current = state }
            guard state.org == change.org else {
                report.refused.append(
                    .init(change, reason: "the record belongs to org \(state.org), not \(change.org)"))
                continue
            }
            switch try merge(change, into: &state, directory: &directory) {
            case .known: report.alreadyKnown += 1
            case .applied(let conflict):
                report.applied += 1
                if conflict { report.conflicts += 1 }
                if policies.locks[change.table]?.lockField == change.field {
                    relocked.insert(RecordKey(table: change.table, id: change.record))
                }
                pendingLog.append(change)
                newest = max(newest, change.hlc)
            case .refused(let reason): report.refused.append(.init(change, reason: reason))
            }
            if pendingLog.count >= 64 {
                try log(pendingLog)
                pendingLog.removeAll(keepingCapacity: true)
            }
        }
        try log(pendingLog)
        if let record = current { others[RecordKey(table: record.table.name, id: record.id)] = record }
        for key in others.keys.sorted(by: { ($0.table, $0.id) < ($1.table, $1.id) }) {
            var state = others.removeValue(forKey: key)!
            if relocked.contains(key) { try rerank(&state, directory: directory) }
            try state.flush(db)
            if state.versions[FieldChange.deletedField] != nil { try reviewDeletion(&state) }
        }
        if newest > clock.last { try observe(newest) }
        return report
    }

    enum MergeResult { case known, applied(conflict: Bool), refused(String) }

    /// Merges one change into a record's in-memory state, keeping conflict rows in step.
    private mutating func merge(
        _ change: FieldChange, into state: inout RecordState, directory: inout PeerDirectory
    ) throws -> MergeResult {
        let field = change.field
        let policy = policies.policy(table: change.table, field: field)
        let shown = state.shown(field)
        var kept = shown.map { [$0] } ?? []
        var loserRows: [ConflictRow] = []
        if !state.versions.seenElsewhere.entries.isEmpty {  // losers are written at once, the row at the end
            loserRows = try keptLosers(table: change.table, id: change.record, field: field)
            kept += loserRows.compactMap(\.versioned)
        }
        let incoming = VersionedValue(change)
        let lock = lock(of: state, field: field, directory: directory)
        if let lock, lock.isForbidden(incoming.version, originPath: directory.path(ofNode: change.node)) {
            return .refused(
                "the record is approved by org \(state.value(of: policies.locks[change.table]!.lockField)); an edit from below made after the approval is refused (the approving unit unapproves it first)"
            )
        }
        let outcome = FieldMerge.merge(
            kept: kept, incoming: incoming, rank: rank(field: field, of: state, lock: lock, directory: directory))
        if outcome.isKnown { return .known }
        if policy.winner == .appendOnly && !kept.isEmpty {
            return .refused(
                "\(change.table) records are append-only: field \(field) is already written and is never changed")
        }
        for superseded in outcome.superseded {
            if let row = loserRows.first(where: { $0.versioned == superseded }) {
                try ConflictRow.settle(
                    db, id: row.id!, by: incoming.version, how: "superseded by an edit made on top of it")
            }
        }
        if outcome.shown != shown {
            if let promoted = loserRows.first(where: { $0.versioned == outcome.shown }) {
                // Now shown: no longer a loser.
                try db.cachedStatement(sql: "DELETE FROM conflict WHERE id = ?").execute(arguments: [promoted.id])
            }
            state.show(field, outcome.shown)
        }
        for loser in outcome.losers where !loserRows.contains(where: { $0.versioned == loser }) {
            let row = ConflictRow(
                kind: .concurrent, table: change.table, record: change.record, org: state.org, field: field,
                kept: loser,
                detectedAt: wallClock.nowMilliseconds(),
                needsReview: policy.needsReview
                    || lock?.isAmendment(loser.version, originPath: directory.path(ofNode: loser.version.node)) == true)
            try row.insert(db)
            state.versions.noteSeen(loser.version.versionVector)
            state.dirty = true
        }
        return .applied(conflict: outcome.isConflict)
    }

    struct Refusal: Error { let reason: String }

    /// The change's table and field (nil for `_deleted`) when it can be applied; nil for a
    /// well-formed change of a table or field this release does not know; why not otherwise.
    private func check(
        _ change: FieldChange, now: Int64, skewBound: Int64
    ) -> Result<(SyncedTable, SyncedTable.Field?)?, Refusal> {
        if let refusal = Self.refusal(of: change, now: now, skewBound: skewBound) { return .failure(refusal) }
        guard let table = tables[change.table], Self.isIdentifier(change.field) else {
            return Self.isIdentifier(change.table) && Self.isIdentifier(change.field)
                ? .success(nil)
                : .failure(
                    .init(
                        reason: "table and field names are letters, digits and _, not '\(change.table).\(change.field)'"
                    ))
        }
        var field: SyncedTable.Field?
        if change.field == FieldChange.deletedField {
            guard change.value == .integer(0) || change.value == .integer(1) else {
                return .failure(.init(reason: "\(FieldChange.deletedField) must be 0 or 1, not '\(change.value)'"))
            }
        } else {
            guard let known = table.field(named: change.field) else { return .success(nil) }
            if let refusal = Self.valueRefusal(known, change.value) { return .failure(refusal) }
            field = known
        }
        return .success((table, field))
    }

    /// Why a change cannot be taken whatever its table (its vector, org or stamp); nil when it can.
    private static func refusal(of change: FieldChange, now: Int64, skewBound: Int64) -> Refusal? {
        guard change.versionVector[change.node] > 0 else {
            return .init(
                reason: "its version vector \(change.versionVector) does not count its own node \(change.node)")
        }
        if let refusal = Self.orgRefusal(change.org) { return refusal }
        let skew = change.hlc.physical - now
        if skew > skewBound {
            return .init(
                reason:
                    "its stamp \(change.hlc.isoTime) is \(Self.duration(skew)) ahead of this node's clock (node \(change.node) has a wrong clock; at most \(Self.duration(skewBound)) is accepted)"
            )
        }
        return nil
    }

    /// True for a name a later release could give a table or field: 1 to 64 ASCII letters,
    /// digits and `_`, not starting with a digit.
    static func isIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (1...64).contains(bytes.count) && !(48...57).contains(bytes[0])
            && bytes.allSatisfy {
                (97...122).contains($0) || (65...90).contains($0) || (48...57).contains($0) || $0 == 95
            }
    }

    /// Records a change of a table or field this release does not know, once: it is logged
    /// (by the caller) and so forwarded, kept by compaction, and applied by a release that
    /// knows it (`NodeStore.applyOpaqueNowKnown`).
    ///
    /// - Returns: false when it was here already.
    mutating func keepOpaque(_ change: FieldChange) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO opaque_change (tbl, record, field, node, hlc) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                change.table, change.record.rawValue, change.field, change.node.rawValue, change.hlc.rawValue,
            ])
        return db.changesCount > 0
    }

    /// Why `org` is not an org code (1 to 32 ASCII letters and digits); nil when it is.
    static func orgRefusal(_ org: String) -> Refusal? {
        let isCode =
            (1...32).contains(org.utf8.count)
            && org.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            }
        return isCode ? nil : Refusal(reason: "org '\(org)' is not an org code")
    }

    /// Why `value` does not fit `field`; nil when it does.
    static func valueRefusal(_ field: SyncedTable.Field, _ value: FieldValue) -> Refusal? {
        field.mismatch(value).map { Refusal(reason: "field \(field.name) holds \($0), not '\(value)'") }
    }

    static func duration(_ milliseconds: Int64) -> String {
        let minutes = milliseconds / 60_000
        return minutes >= 120 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min \(milliseconds / 1000 % 60) s"
    }

    /// Keeps a record's delete conflicts in step with its state: when its shown state is
    /// deleted, every field edit that the delete was not made on top of is listed for review
    /// ("deleted while edited"); rows that no longer hold are settled.
    func reviewDeletion(_ state: inout RecordState) throws {
        guard let deletion = state.versions[FieldChange.deletedField] else { return }
        let open = try ConflictRow.kept(db, table: state.table.name, record: state.id).filter {
            $0.kind == .deletedWhileEdited
        }
        var contested: [String: VersionedValue] = [:]
        if state.deleted {
            for field in state.table.fields {
                if let version = state.shown(field.name),
                    !version.version.versionVector.isCovered(by: deletion.versionVector)
                {
                    contested[field.name] = version
                }
            }
        }
        for row in open where contested[row.field] != row.versioned {
            try ConflictRow.settle(
                db, id: row.id!, by: deletion, how: state.deleted ? "kept deleted" : "record restored")
        }
        for (field, version) in contested where !open.contains(where: { $0.field == field && $0.versioned == version })
        {
            let row = ConflictRow(
                kind: .deletedWhileEdited, table: state.table.name, record: state.id, org: state.org, field: field,
                kept: version, detectedAt: wallClock.nowMilliseconds(), needsReview: true)
            try row.insert(db)
        }
    }
}

/// A record of one table, as a dictionary key without building a string per change.
struct RecordKey: Hashable {
    let table: String
    let id: RecordID
}

extension SyncedTable.Field {
    /// What the field holds, when `value` is of another type; nil when it fits.
    func mismatch(_ value: FieldValue) -> String? {
        switch (affinity, value) {
        case (_, .null), (.text, .text), (.integer, .integer), (.real, .real), (.real, .integer): return nil
        case (.text, _): return "text"
        case (.integer, _): return "a whole number"
        case (.real, _): return "a number"
        }
    }
}

extension ChangeWriter {
    /// Remembers the org of a node (an enrolled child, the parent).
    public func registerNode(_ peer: NodeID, org: String) throws {
        try PeerDirectory.store(peer, org: org, in: db)
    }
}
