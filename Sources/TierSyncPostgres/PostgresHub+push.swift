import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Children's pushes on a PostgreSQL hub: group commit, each push checked and applied as the
/// SQLite node applies it (`TierSyncNode.acceptAll`).
extension PostgresHub {
    /// Applies several pushes in one transaction, holding the writer lock, each in a
    /// savepoint of its own so that a refused push is rolled back alone. A push is applied
    /// only if the whole transaction commits.
    ///
    /// - Returns: each push's report or refusal, in order.
    /// - Throws: what failed the transaction itself (the server, the connection): then none
    ///   was applied.
    public func acceptAll(_ pushes: [TierSyncNode.Push]) throws -> [Result<ApplyReport, any Error>] {
        try store.write { session in
            // One read of the directory and the clock for the whole group.
            var directory = try store.directory(session)
            var clock = HybridLogicalClock(last: try store.clock(session))
            var results: [Result<ApplyReport, any Error>] = []
            for push in pushes {
                try session.query("SAVEPOINT push")
                do {
                    let (report, senders) = try accept(push, session: session, directory: directory, clock: &clock)
                    try session.query("RELEASE SAVEPOINT push")
                    directory.remember(senders)
                    results.append(.success(report))
                } catch let error as PostgresStoreError where !error.isDataRefusal {
                    throw error  // the transaction itself: every push of it fails
                } catch {
                    try session.query("ROLLBACK TO SAVEPOINT push")
                    try session.query("RELEASE SAVEPOINT push")
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// One push in the session's transaction: checked whole, then merged, its arrivals
    /// noted and the child's cursor moved.
    func accept(
        _ push: TierSyncNode.Push, session: PostgresSession, directory: PeerDirectory, clock: inout HybridLogicalClock
    ) throws -> (report: ApplyReport, senders: [NodeID: String]) {
        for change in push.changes { try rules.checkScope(change, from: push.peer, directory: directory) }
        let senders = try rules.senders(push.nodes, from: push.peer, directory: directory)
        let screened = rules.screenDecidedAbove(push.changes, nodes: senders, directory: directory)
        // Storage of its own per push: a rolled-back push leaves nothing read ahead or held.
        let storage = PostgresMergeStorage(session: session)
        try storage.prefetch(screened.allowed, tables: store.tables)
        var merge = RemoteMerge(
            storage: storage, node: hubNode, tables: store.tables, policies: store.policies, clock: clock,
            wallClock: wallClock)
        var report = try merge.apply(
            screened.allowed, nodes: senders, skewBound: push.peer.skewBound(push.skewBound), directory: directory)
        report.refused += screened.refused
        var known = directory
        known.remember(senders)
        try noteArrivals(of: screened.allowed, from: push.peer, directory: known, merge: &merge)
        try storage.flush()
        clock = merge.clock
        try recordContact(
            with: push.peer.unit.code, node: push.peerNode, received: push.upTo, acknowledged: push.ack,
            session: session)
        return (report, senders)
    }

    /// Notes the first arrival here of the reports and drills of `changes` (see
    /// `TierSyncNode.noteArrivals`): a receipt, written as this hub's own change.
    func noteArrivals(
        of changes: [FieldChange], from peer: TierSyncNode.Peer, directory: PeerDirectory,
        merge: inout RemoteMerge<PostgresMergeStorage>
    ) throws {
        guard case .child = peer else { return }
        var seen: Set<String> = []
        for change in changes
        where TierSyncNode.arrivalsFromBelow.contains(change.table) && seen.insert(change.record.rawValue).inserted {
            let noted = try !merge.storage.session.query(
                "SELECT 1 FROM receipt WHERE record = $1 AND level = $2 AND event = 'arrived' AND deleted = 0",
                [.text(change.record.rawValue), .text(hubOrg.code)]
            ).isEmpty
            guard !noted else { continue }
            let receipt = TierSyncNode.receipt(
                table: change.table, record: change.record, org: change.org, event: "arrived",
                at: wallClock.nowMilliseconds(), level: hubOrg, directory: directory)
            try insert(
                TierSyncNode.receiptTable, org: receipt.owner, fields: receipt.fields, directory: directory,
                merge: &merge)
        }
    }

    /// Inserts a record made here: its fields stamped with this hub's clock and node, as
    /// `ChangeWriter.insert` stamps a local insert, and applied with the merge, which stores
    /// and logs them.
    func insert(
        _ name: String, org: String, fields: [String: FieldValue], directory: PeerDirectory,
        merge: inout RemoteMerge<PostgresMergeStorage>
    ) throws {
        guard let table = store.tables[name] else {
            throw StoreError.unknownTable(name, known: store.tables.keys.sorted())
        }
        var clock = merge.clock
        let version = FieldVersion.first(hlc: clock.tick(wall: wallClock.nowMilliseconds()), node: hubNode)
        var random = SystemRandomNumberGenerator()
        let id = RecordID.random(using: &random)
        let changes = table.fields.compactMap { field in
            fields[field.name].flatMap { value in
                value.isNull
                    ? nil : FieldChange(name, id, org, field.name, VersionedValue(value: value, version: version))
            }
        }
        let report = try merge.apply(changes, nodes: [:], skewBound: .max, directory: directory)
        guard report.refused.isEmpty else {
            throw PostgresStoreError.corrupt("a record made here that its own merge refused: \(report.refused[0])")
        }
    }

    /// Moves the cursors of the peer org `org` forward (never back: pages may be retried).
    func recordContact(
        with org: String, node: String, received: Int64?, acknowledged: Int64?, session: PostgresSession
    ) throws {
        try session.query(
            """
            INSERT INTO peer_cursor (org, node, received_seq, acked_seq, last_contact) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (org) DO UPDATE SET node = excluded.node,
                received_seq = greatest(peer_cursor.received_seq, excluded.received_seq),
                acked_seq = greatest(peer_cursor.acked_seq, excluded.acked_seq), last_contact = excluded.last_contact
            """,
            [
                .text(org), .text(node), .integer(received ?? 0), .integer(acknowledged ?? 0),
                .text(ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())),
            ])
    }
}
