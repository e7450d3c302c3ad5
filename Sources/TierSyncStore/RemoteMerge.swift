import TierSyncCore

/// Applies remote changes to a node's records through a `MergeStorage`: idempotent (a change
/// seen before has no effect), independent of order, with conflicts kept for review. Each
/// applied change enters the local log with its original stamp, node and vector, so that it
/// can be forwarded.
///
/// The same merge runs on every backend; only the storage differs. `ChangeWriter.apply` is
/// this over SQLite.
///
/// ```swift
/// var merge = RemoteMerge(storage: storage, node: node, tables: tables, policies: policies,
///                         clock: clock, wallClock: wallClock)
/// let report = try merge.apply(changes, nodes: senders, directory: directory)
/// ```
public struct RemoteMerge<Storage: MergeStorage> {
    public let storage: Storage
    public let node: NodeID
    public let tables: [String: SyncedTable]
    let policies: MergePolicies
    /// This node's clock: it observes the newest stamp applied.
    public private(set) var clock: HybridLogicalClock
    let wallClock: any WallClock

    public init(
        storage: Storage, node: NodeID, tables: [String: SyncedTable], policies: MergePolicies,
        clock: HybridLogicalClock, wallClock: any WallClock
    ) {
        self.storage = storage
        self.node = node
        self.tables = tables
        self.policies = policies
        self.clock = clock
        self.wallClock = wallClock
    }

    /// Applies `changes`. A change that is malformed, or whose stamp is more than `skewBound`
    /// milliseconds ahead of this node's clock, is refused with a reason in the report; the
    /// rest still applies.
    ///
    /// - Parameters:
    ///   - nodes: the org of each node whose changes are in the batch, as the sender knows
    ///     them; the merge ranks versions by them.
    ///   - directory: the directory of nodes and orgs, read in this transaction.
    public mutating func apply(
        _ changes: some Sequence<FieldChange>, nodes: [NodeID: String] = [:],
        skewBound: Int64 = ChangeWriter.defaultSkewBound, directory: PeerDirectory
    ) throws -> ApplyReport {
        var directory = directory
        for (peer, org) in nodes where peer != node && directory.learn(peer, org: org) {
            try storage.registerNode(peer, org: org)
        }
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
            switch ChangeCheck.check(change, tables: tables, now: now, skewBound: skewBound) {
            case .failure(let refusal):
                report.refused.append(.init(change, reason: refusal.reason))
                continue
            case .success(nil):
                // A later release's table or field: kept as it came, and forwarded.
                if try storage.keepOpaque(change) {
                    report.opaque += 1
                    // Logged alone, in a row of its own: it is found, and once known removed, by that row.
                    try storage.log(pendingLog)
                    try storage.log([change])
                    pendingLog.removeAll(keepingCapacity: true)
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
                } else if let stored = try storage.record(table, id: change.record) {
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
            switch try merge(change, into: &state, directory: directory) {
            case .known: report.alreadyKnown += 1
            case .applied(let conflict):
                report.applied += 1
                if conflict { report.conflicts += 1 }
                if policies.locks[change.table]?.lockField == change.field {
                    relocked.insert(RecordKey(table: change.table, id: change.record))
                }
                // Written 64 or so at a time, between two writes, so that a write's fields share a row.
                if pendingLog.count >= 64, !change.isSameWrite(as: pendingLog[pendingLog.count - 1]) {
                    try storage.log(pendingLog)
                    pendingLog.removeAll(keepingCapacity: true)
                }
                pendingLog.append(change)
                newest = max(newest, change.hlc)
            case .refused(let reason): report.refused.append(.init(change, reason: reason))
            }
        }
        try storage.log(pendingLog)
        if let record = current { others[RecordKey(table: record.table.name, id: record.id)] = record }
        for key in others.keys.sorted(by: { ($0.table, $0.id) < ($1.table, $1.id) }) {
            var state = others.removeValue(forKey: key)!
            if relocked.contains(key) { try rerank(&state, directory: directory) }
            try state.flush(into: storage)
            if state.versions[FieldChange.deletedField] != nil { try reviewDeletion(&state) }
        }
        if newest > clock.last {
            clock.observe(newest)
            try storage.observe(newest)
        }
        return report
    }

    enum MergeResult { case known, applied(conflict: Bool), refused(String) }

    /// Merges one change into a record's in-memory state, keeping conflict rows in step.
    private func merge(
        _ change: FieldChange, into state: inout RecordState, directory: PeerDirectory
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
        let outcome = FieldMerge.merge(
            kept: kept, incoming: incoming,
            rank: rank(field: field, of: state, lock: lock, directory: directory, policy: policy))
        if outcome.isKnown { return .known }
        if policy.winner == .appendOnly && !kept.isEmpty {
            return .refused(
                "\(change.table) records are append-only: field \(field) is already written and is never changed")
        }
        for superseded in outcome.superseded {
            if let row = loserRows.first(where: { $0.versioned == superseded }) {
                try storage.settleConflict(
                    id: row.id!, by: incoming.version, how: "superseded by an edit made on top of it")
            }
        }
        if outcome.shown != shown {
            if let promoted = loserRows.first(where: { $0.versioned == outcome.shown }) {
                try storage.removeConflict(id: promoted.id!)  // now shown: no longer a loser
            }
            state.show(field, outcome.shown)
        }
        for loser in outcome.losers where !loserRows.contains(where: { $0.versioned == loser }) {
            try storage.insertConflict(
                ConflictRow(
                    kind: .concurrent, table: change.table, record: change.record, org: state.org, field: field,
                    kept: loser, detectedAt: wallClock.nowMilliseconds(),
                    needsReview: needsReview(loser.version, field: field, of: state, lock: lock, directory: directory)
                ))
            state.versions.noteSeen(loser.version.versionVector)
            state.dirty = true
        }
        return .applied(conflict: outcome.isConflict)
    }

    /// The conflict losers kept for a field.
    func keptLosers(table: String, id: RecordID, field: String) throws -> [ConflictRow] {
        try storage.openConflicts(table: table, record: id, field: field).filter { $0.kind == .concurrent }
    }
}

/// A record of one table, as a dictionary key without building a string per change.
struct RecordKey: Hashable {
    let table: String
    let id: RecordID
}
