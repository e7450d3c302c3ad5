import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// What a PostgreSQL hub takes from its parent: pages of the parent's log, each applied in
/// one transaction holding the writer lock with the merge and the checks of a child's push
/// (`acceptAll`), and the checkpoints compared before a sync. Snapshot pages are copied in
/// `PostgresHub+bootstrap.swift`.
extension PostgresHub: SyncChild {
    public func accept(
        _ changes: [FieldChange], from peer: TierSyncNode.Peer, peerNode: String, nodes: [String: String],
        upTo: Int64
    ) throws -> ApplyReport {
        let page = TierSyncNode.Push(changes: changes, peer: peer, peerNode: peerNode, nodes: nodes, upTo: upTo)
        // One push in, one result out: the group commit of a child's pushes, with one member.
        return try acceptAll([page])[0].get()
    }

    /// Compares the cursors of the link with the parent's `GET /v1/status` answer, as
    /// `TierSyncNode.reconcile` does: a parent in a new epoch (restored) is sent again what
    /// it lost and pulled again from where its epoch starts; a parent with a shorter log is
    /// pulled from its end.
    ///
    /// - Throws: `DomainError` when the parent holds more of this hub's log than the database
    ///   does: it was restored from an older dump, and new changes would reuse positions the
    ///   parent already has.
    @discardableResult
    public func reconcile(with status: StatusResponse, sentAt: Int64, receivedAt: Int64) throws
        -> TierSyncNode.Reconciliation
    {
        try store.write { session in
            guard let link = try Self.parentLink(session) else { return TierSyncNode.Reconciliation() }
            var cursor = try Self.cursor(for: link.org, session)
            var outcome = TierSyncNode.Reconciliation()
            // A database put back from a dump without `tiersync restore` would reuse versions
            // the parent has; after it, the parent being ahead is what the restore is for.
            try requireNotCopiedBack(peerHas: status.receivedFromYou, session)
            var pullFrom = cursor.receivedSeq
            if let epoch = status.epoch, let seen = cursor.epoch, seen != epoch {
                if status.receivedFromYou < cursor.ackedSeq {
                    cursor.ackedSeq = status.receivedFromYou
                    outcome.resendFrom = status.receivedFromYou
                }
                // The parent may have lost files too: ask it again about every one.
                try session.query("UPDATE blob SET sent_up = 0")
                pullFrom = min(pullFrom, status.epochSince ?? 0)
            }
            pullFrom = min(pullFrom, status.lastSequence)
            if pullFrom < cursor.receivedSeq, cursor.snapshotPosition == nil {
                cursor.receivedSeq = pullFrom
                outcome.pullFrom = pullFrom
            }
            if status.epoch != nil { cursor.epoch = status.epoch }
            try Self.save(cursor, session)
            if let hubTime = status.hubTime {
                let offset = ClockOffset(sentAt: sentAt, receivedAt: receivedAt, hubTime: hubTime).milliseconds
                outcome.clockOffset = offset
                try session.query("UPDATE parent_link SET clock_offset_ms = $1", [.integer(offset)])
            }
            return outcome
        }
    }

    /// Runs `body` holding a lock of the database's own (a session-level advisory lock, on a
    /// connection that lives as long as the sync), so that of several processes serving one
    /// hub only one syncs with the parent at a time; the others wait (`wait`) or return nil
    /// at once. A process that dies frees it with its connection.
    public func syncingAlone<T: Sendable>(wait: Bool, _ body: () async throws -> T) async throws -> T? {
        let session = try PostgresSession.connect(store.address, logger: store.logger)
        defer { try? session.close() }
        if wait {
            try session.query("SELECT pg_advisory_lock($1)", [.integer(Self.upwardLock)])
        } else {
            guard
                try session.query("SELECT pg_try_advisory_lock($1)", [.integer(Self.upwardLock)]).first?
                    .decode(Bool.self) == true
            else { return nil }
        }
        return try await body()
    }

    /// The advisory lock of a sync with the parent ("TSupward").
    static let upwardLock: Int64 = 0x5453_7570_7761_7264
}
