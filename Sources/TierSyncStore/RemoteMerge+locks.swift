import TierSyncCore

/// Approval locks and deletions in the merge. An approved record shows its approved values,
/// and edits made below the approver without seeing the approval are kept as pending
/// amendments beside them (conflict rows that `RecordLock.isAmendment` tells apart), never
/// shown while the lock stands. A deleted record keeps the edits its delete did not see.
extension RemoteMerge {
    /// The approval that locks `field` of the record, when its table declares one and it is set.
    func lock(of state: RecordState, field: String, directory: PeerDirectory) -> RecordLock? {
        guard let declared = policies.locks[state.table.name], declared.locks(field),
            let approval = state.shown(declared.lockField), case .text(let approver) = approval.value
        else { return nil }
        return RecordLock(version: approval.version, approverPath: directory.path(ofOrg: approver))
    }

    /// How concurrent versions of `field` rank: by the field's policy (who made them, the
    /// record's owner) and, when the record is approved, by the approval.
    ///
    /// - Parameter policy: the field's policy, when the caller has it already.
    func rank(
        field: String, of state: RecordState, lock: RecordLock?, directory: PeerDirectory,
        policy: MergePolicy? = nil
    ) -> (FieldVersion) -> Int {
        let policy = policy ?? policies.policy(table: state.table.name, field: field)
        let owner = directory.path(ofOrg: state.org)
        return { version in
            let origin = directory.path(ofNode: version.node)
            let rank = policy.rank(origin: origin, owner: owner)
            return lock?.rank(version, originPath: origin, policyRank: rank) ?? rank
        }
    }

    /// Ranks again the kept versions of a record whose approval changed: a loser that now
    /// ranks first is shown, and the shown one kept as a loser.
    func rerank(_ state: inout RecordState, directory: PeerDirectory) throws {
        guard !state.versions.seenElsewhere.entries.isEmpty else { return }  // no kept losers
        let rows = try storage.openConflicts(table: state.table.name, record: state.id, field: nil).filter {
            $0.kind == .concurrent
        }
        for field in Set(rows.map(\.field)) {
            guard let shown = state.shown(field) else { continue }
            var losers = rows.filter { $0.field == field }
            let kept = [shown] + losers.compactMap(\.versioned)
            let lock = lock(of: state, field: field, directory: directory)
            let best = FieldMerge.ordered(kept, rank: rank(field: field, of: state, lock: lock, directory: directory))[
                0]
            if best != shown, let promoted = losers.first(where: { $0.versioned == best }) {
                try storage.removeConflict(id: promoted.id!)
                try storage.insertConflict(
                    ConflictRow(
                        kind: .concurrent, table: state.table.name, record: state.id, org: state.org, field: field,
                        kept: shown, detectedAt: wallClock.nowMilliseconds(),
                        needsReview: needsReview(
                            shown.version, field: field, of: state, lock: lock, directory: directory)
                    ))
                state.show(field, best)
                losers.removeAll { $0.id == promoted.id }
            }
            // The approval changed, so whether each kept version is an amendment may have too.
            for loser in losers {
                guard let version = loser.versioned?.version else { continue }
                let wanted = needsReview(version, field: field, of: state, lock: lock, directory: directory)
                if wanted != loser.needsReview { try storage.setNeedsReview(id: loser.id!, wanted) }
            }
        }
    }

    /// Whether a kept (losing) version asks for a person's review: when the field's policy
    /// says so, or when it is a pending amendment of the approved record. A function of the
    /// record as it stands, so that every node agrees, whatever order the changes came in.
    func needsReview(
        _ version: FieldVersion, field: String, of state: RecordState, lock: RecordLock?, directory: PeerDirectory
    ) -> Bool {
        policies.policy(table: state.table.name, field: field).needsReview
            || lock?.isAmendment(version, originPath: directory.path(ofNode: version.node)) == true
    }

    /// Keeps a record's delete conflicts in step with its state: when its shown state is
    /// deleted, every field edit that the delete was not made on top of is listed for review
    /// ("deleted while edited"); rows that no longer hold are settled.
    func reviewDeletion(_ state: inout RecordState) throws {
        guard let deletion = state.versions[FieldChange.deletedField] else { return }
        let open = try storage.openConflicts(table: state.table.name, record: state.id, field: nil).filter {
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
            try storage.settleConflict(
                id: row.id!, by: deletion, how: state.deleted ? "kept deleted" : "record restored")
        }
        for (field, version) in contested where !open.contains(where: { $0.field == field && $0.versioned == version })
        {
            try storage.insertConflict(
                ConflictRow(
                    kind: .deletedWhileEdited, table: state.table.name, record: state.id, org: state.org, field: field,
                    kept: version, detectedAt: wallClock.nowMilliseconds(), needsReview: true))
        }
    }
}
