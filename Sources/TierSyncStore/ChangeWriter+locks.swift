import GRDB
import TierSyncCore

/// Approval locks in the merge: an approved record shows its approved values, and edits made
/// below the approver without seeing the approval are kept as pending amendments beside them
/// (conflict rows that `RecordLock.isAmendment` tells apart), never shown while the lock
/// stands.
extension ChangeWriter {
    /// The lock on `state` that applies to `field`: nil when the table has no approval, the
    /// record is not approved, or the approval leaves the field open.
    func lock(of state: RecordState, field: String, directory: PeerDirectory) -> RecordLock? {
        guard let declared = policies.locks[state.table.name], declared.locks(field),
            let approval = state.shown(declared.lockField), case .text(let approver) = approval.value
        else { return nil }
        return RecordLock(version: approval.version, approverPath: directory.path(ofOrg: approver))
    }

    /// The merge rank of a field's versions: the policy's, lowered for amendments under a lock.
    func rank(
        field: String, of state: RecordState, lock: RecordLock?, directory: PeerDirectory
    ) -> (FieldVersion) -> Int {
        let policy = policies.policy(table: state.table.name, field: field)
        let owner = directory.path(ofOrg: state.org)
        return { version in
            let origin = directory.path(ofNode: version.node)
            let rank = policy.rank(origin: origin, owner: owner)
            return lock?.rank(version, originPath: origin, policyRank: rank) ?? rank
        }
    }

    /// Ranks again the kept versions of every field of a record whose approval changed: an
    /// approval shows the approved versions over amendments, an unapproval lets the policy
    /// choose among them again. No version is added or lost, only which one is shown.
    mutating func rerank(_ state: inout RecordState, directory: PeerDirectory) throws {
        guard !state.versions.seenElsewhere.entries.isEmpty else { return }  // no kept losers
        let rows = try ConflictRow.kept(db, table: state.table.name, record: state.id).filter {
            $0.kind == .concurrent
        }
        for field in Set(rows.map(\.field)) {
            guard let shown = state.shown(field) else { continue }
            let losers = rows.filter { $0.field == field }
            let kept = [shown] + losers.compactMap(\.versioned)
            let lock = lock(of: state, field: field, directory: directory)
            let best = FieldMerge.ordered(kept, rank: rank(field: field, of: state, lock: lock, directory: directory))[
                0]
            guard best != shown, let promoted = losers.first(where: { $0.versioned == best }) else { continue }
            try db.cachedStatement(sql: "DELETE FROM conflict WHERE id = ?").execute(arguments: [promoted.id])
            try ConflictRow(
                kind: .concurrent, table: state.table.name, record: state.id, org: state.org, field: field, kept: shown,
                detectedAt: wallClock.nowMilliseconds(), needsReview: promoted.needsReview || lock != nil
            ).insert(db)
            state.show(field, best)
        }
    }

    /// Ranks again the kept versions of a record after a local write changed its approval.
    public mutating func rerank(table name: String, id: RecordID) throws {
        guard let stored = try fetch(table: name, id: id) else { return }
        var state = RecordState(stored, table: try table(named: name))
        try rerank(&state, directory: directory())
        try state.flush(db)
    }
}
