import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// What a PostgreSQL hub takes from its parent: pages of the parent's log and of its
/// snapshot, each applied in one transaction holding the writer lock with the merge and the
/// checks of a child's push (`acceptAll`), and the checkpoints compared before a sync.
extension PostgresHub: SyncChild {
    public func accept(
        _ changes: [FieldChange], from peer: TierSyncNode.Peer, peerNode: String, nodes: [String: String],
        upTo: Int64
    ) throws -> ApplyReport {
        try acceptAll([TierSyncNode.Push(changes: changes, peer: peer, peerNode: peerNode, nodes: nodes, upTo: upTo)])[
            0
        ]
        .get()
    }

    /// Copies a page of the parent's snapshot in one transaction. Unlike a SQLite node, which
    /// writes the rows without logging them, the hub applies the changes each record carries
    /// (its fields' versions and kept conflict losers) with the merge, so they enter its log:
    /// its children, which may pull from any process of the hub meanwhile, then receive them
    /// as any change, and no child has to wait for the bootstrap to end.
    public func acceptSnapshot(
        _ records: [RecordSnapshot], from peer: TierSyncNode.Peer, peerNode: String, nodes: [String: String],
        position: Int64, next: RecordSnapshot.Key?, later: [FieldChange]
    ) throws -> ApplyReport {
        guard case .parent = peer else {
            throw DomainError.forbidden("a snapshot is taken from the parent only, not from \(peer.unit.code)")
        }
        var copied: [FieldChange] = []
        for record in records {
            guard let changes = record.changes() else {
                throw DomainError.invalidValue(
                    field: "versions", value: "\(record.table) \(record.id)",
                    allowed: "the field versions of a record as a hub writes them; nothing of this page was applied")
            }
            copied += changes
        }
        return try store.write { session in
            var cursor = try Self.cursor(for: peer.unit.code, session)
            let start = cursor.snapshotPosition ?? position
            // The last page moves the pull cursor to where the snapshot began.
            let received = next == nil ? start : 0
            let pages = [copied, later].map {
                TierSyncNode.Push(changes: $0, peer: peer, peerNode: peerNode, nodes: nodes, upTo: received)
            }
            let results: [Result<ApplyReport, any Error>]
            do {
                results = try apply(pages, session, savepoints: false)
            } catch let refused as RefusedWithoutSavepoint {
                throw refused.error
            }
            let fromRecords = try results[0].get()
            var report = try results[1].get()
            report.records = records.count
            report.conflicts += fromRecords.conflicts
            report.refused += fromRecords.refused
            cursor = try Self.cursor(for: peer.unit.code, session)
            cursor.snapshotPosition = next == nil ? nil : start
            cursor.snapshotAfter = next?.description
            try Self.save(cursor, session)
            return report
        }
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
            let last = try store.lastSequence(session)
            guard status.receivedFromYou <= last else {
                throw DomainError.procedure(
                    "the parent has received this hub's log up to \(status.receivedFromYou), but the database at \(store.address) ends at \(last): it was restored from an older dump. Restore a later one, or make a new hub (a new node id) and join again",
                    chinese:
                        "上级已收到本节点第 \(status.receivedFromYou) 条变更，而本节点数据库只到第 \(last) 条：数据库是从较早的备份恢复的。请恢复较新的备份，或新建节点后重新加入上级。",
                    forbidden: false)
            }
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
    /// hub only one syncs with the parent at a time; the others return nil at once. A process
    /// that dies frees it with its connection.
    public func syncingAlone<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        let session = try PostgresSession.connect(store.address, logger: store.logger)
        defer { try? session.close() }
        guard
            try session.query("SELECT pg_try_advisory_lock($1)", [.integer(Self.upwardLock)]).first?.decode(Bool.self)
                == true
        else { return nil }
        return try await body()
    }

    /// The advisory lock of a sync with the parent ("TSupward").
    static let upwardLock: Int64 = 0x5453_7570_7761_7264
}
