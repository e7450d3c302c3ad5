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
    /// - Parameter nodes: the org of each node whose changes are in the batch, as the sender
    ///   knows them; the merge ranks versions by them.
    public mutating func apply(
        _ changes: some Sequence<FieldChange>, nodes: [NodeID: String] = [:], skewBound: Int64 = defaultSkewBound
    ) throws -> ApplyReport {
        var directory = try PeerDirectory(db: db)
        for (peer, org) in nodes where peer != node { try directory.register(peer, org: org) }
        var report = ApplyReport()
        var records: [String: RecordState] = [:]
        var pendingLog: [FieldChange] = []
        let now = max(wallClock.nowMilliseconds(), clock.last.physical)
        var newest = HLCTimestamp.zero
        for var change in changes {
            if let reason = problem(with: change, now: now, skewBound: skewBound) {
                report.refused.append(.init(change, reason: reason))
                continue
            }
            if let field = tables[change.table]!.field(named: change.field) {
                change.value = tables[change.table]!.normalized(change.value, for: field)
            }
            let key = change.table + "/" + change.record.rawValue
            var state: RecordState
            if let cached = records[key] {
                state = cached
            } else if let stored = try fetch(table: change.table, id: change.record) {
                state = RecordState(stored, table: tables[change.table]!)
            } else {
                state = RecordState(
                    table: tables[change.table]!, id: change.record, org: change.org, created: change.hlc)
            }
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
                pendingLog.append(change)
                newest = max(newest, change.hlc)
            case .refused(let reason): report.refused.append(.init(change, reason: reason))
            }
            records[key] = state
            if pendingLog.count >= 64 {
                try log(pendingLog)
                pendingLog.removeAll(keepingCapacity: true)
            }
        }
        try log(pendingLog)
        for key in records.keys.sorted() {
            var state = records[key]!
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
        if state.stored, !state.versions.seenElsewhere.entries.isEmpty {
            loserRows = try keptLosers(table: change.table, id: change.record, field: field)
            kept += loserRows.compactMap(\.versioned)
        }
        let incoming = VersionedValue(change)
        var ranks: [FieldVersion: Int] = [:]
        let owner = try directory.path(ofOrg: state.org)
        for candidate in kept + [incoming] {
            ranks[candidate.version] = policy.rank(
                origin: try directory.path(ofNode: candidate.version.node), owner: owner)
        }
        let outcome = FieldMerge.merge(kept: kept, incoming: incoming) { ranks[$0] ?? 0 }
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
                try promoted.delete(db)  // now shown: no longer a loser
            }
            state.show(field, outcome.shown)
        }
        for loser in outcome.losers where !loserRows.contains(where: { $0.versioned == loser }) {
            var row = ConflictRow(
                kind: .concurrent, table: change.table, record: change.record, org: state.org, field: field,
                kept: loser,
                detectedAt: wallClock.nowMilliseconds(), needsReview: policy.needsReview)
            try row.insert(db)
            state.versions.noteSeen(loser.version.versionVector)
            state.dirty = true
        }
        if !state.stored { try state.flush(db) }  // later conflict rows of this batch may refer to it
        return .applied(conflict: outcome.isConflict)
    }

    /// Why a change cannot be applied, or nil when it can.
    private func problem(with change: FieldChange, now: Int64, skewBound: Int64) -> String? {
        guard let table = tables[change.table] else {
            return "unknown table '\(change.table)'; known: \(tables.keys.sorted().joined(separator: ", "))"
        }
        if change.field == FieldChange.deletedField {
            guard change.value == .integer(0) || change.value == .integer(1) else {
                return "\(FieldChange.deletedField) must be 0 or 1, not '\(change.value)'"
            }
        } else {
            guard let field = table.field(named: change.field) else {
                return
                    "unknown field '\(change.field)' for \(change.table); known: \(table.fieldNames.joined(separator: ", "))"
            }
            if let expected = field.mismatch(change.value) {
                return "field \(change.field) holds \(expected), not '\(change.value)'"
            }
        }
        guard change.versionVector[change.node] > 0 else {
            return "its version vector \(change.versionVector) does not count its own node \(change.node)"
        }
        guard !change.org.isEmpty, change.org.count <= 32,
            change.org.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
            return "org '\(change.org)' is not an org code"
        }
        let skew = change.hlc.physical - now
        if skew > skewBound {
            return
                "its stamp \(change.hlc.isoTime) is \(Self.duration(skew)) ahead of this node's clock (node \(change.node) has a wrong clock; at most \(Self.duration(skewBound)) is accepted)"
        }
        return nil
    }

    static func duration(_ milliseconds: Int64) -> String {
        let minutes = milliseconds / 60_000
        return minutes >= 120 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min \(milliseconds / 1000 % 60) s"
    }

    /// Keeps a record's delete conflicts in step with its state: when its shown state is
    /// deleted, every field edit that the delete was not made on top of is listed for review
    /// ("deleted while edited"); rows that no longer hold are settled.
    func reviewDeletion(_ state: inout RecordState) throws {
        let open = try ConflictRow.kept(db, table: state.table.name, record: state.id).filter {
            $0.kind == .deletedWhileEdited
        }
        guard let deletion = state.versions[FieldChange.deletedField] else { return }
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
            var row = ConflictRow(
                kind: .deletedWhileEdited, table: state.table.name, record: state.id, org: state.org, field: field,
                kept: version, detectedAt: wallClock.nowMilliseconds(), needsReview: true)
            try row.insert(db)
        }
    }
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
