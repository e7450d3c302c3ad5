import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Children's pushes on a PostgreSQL hub: group commit, each push checked and applied as the
/// SQLite node applies it (`TierSyncNode.acceptAll`).
extension PostgresHub {
    /// Applies several pushes in one transaction, holding the writer lock, so that a refused
    /// push is rolled back alone. A push is applied only if the whole transaction commits.
    ///
    /// Every push is checked whole before anything is written (scope, senders), so a push
    /// refused there costs the others nothing. The rest go without savepoints and with one
    /// statement for all the children's cursors: three round trips to the server a push
    /// fewer. Only when a push fails while it is being written is that attempt rolled back and
    /// the group applied again, each push in a savepoint of its own, in transactions of at most
    /// `savepointLimit` pushes. (PostgreSQL does not roll its sequences back, so the log's
    /// positions then skip the numbers the attempt took.)
    ///
    /// - Returns: each push's report or refusal, in order. When a later part of a retry
    ///   fails as a whole (the server, the connection), its pushes carry that error and the
    ///   parts committed before it keep their reports.
    /// - Throws: what failed the first transaction itself (the server, the connection): then
    ///   none was applied.
    public func acceptAll(_ pushes: [TierSyncNode.Push]) throws -> [Result<ApplyReport, any Error>] {
        do {
            return try store.write { session in try apply(pushes, session, savepoints: false) }
        } catch let refused as RefusedWithoutSavepoint {
            // A lone push is applied again only to record its child's last contact.
            if pushes.count == 1, pushes[0].contact == nil { return [.failure(refused.error)] }
        }
        var results: [Result<ApplyReport, any Error>] = []
        for part in pushes.chunked(Self.savepointLimit) {
            do {
                results += try store.write { session in try apply(part, session, savepoints: true) }
            } catch  where !results.isEmpty {
                results += part.map { _ in .failure(error) }
            }
        }
        return results
    }

    /// A push that failed while written in a group without savepoints: the attempt is rolled back.
    struct RefusedWithoutSavepoint: Error { let error: any Error }

    /// The pushes in the session's transaction, with one read of the directory and the clock
    /// for all of them.
    func apply(_ pushes: [TierSyncNode.Push], _ session: PostgresSession, savepoints: Bool) throws -> [Result<
        ApplyReport, any Error
    >] {
        var directory = try store.directory(session)
        var clock = HybridLogicalClock(last: try store.clock(session))
        // A revocation may have committed since the group's credentials were read (`identify`);
        // the writer lock orders it before this transaction or after it.
        let revocations = try revokedChildren(among: pushes.map(\.peerNode), session)
        // Scope and senders need only the orgs' paths, which no push changes.
        let checked = pushes.map { push in
            Result {
                if let time = revocations[push.peerNode] { throw DomainError.revoked(node: push.peerNode, at: time) }
                return try check(push, directory: directory)
            }
        }
        // Without savepoints, one storage serves the group: its records read ahead together,
        // its writes sent together at the end. (A push that fails then fails the attempt.)
        let group = savepoints ? nil : PostgresMergeStorage(session: session, holdingAll: true)
        try group?.prefetch(
            zip(pushes, checked).flatMap { push, checked in (try? checked.get()) == nil ? [] : push.changes },
            tables: store.tables)
        var results: [Result<ApplyReport, any Error>] = []
        var contacts: [String: Contact] = [:]
        for (push, checked) in zip(pushes, checked) {
            let senders: [NodeID: String]
            switch checked {
            case .success(let found): senders = found
            case .failure(let refusal):
                results.append(.failure(refusal))
                continue
            }
            if savepoints { try session.query("SAVEPOINT push") }
            do {
                let report = try accept(
                    push, senders: senders, session: session, directory: directory, clock: &clock, storage: group)
                if savepoints { try session.query("RELEASE SAVEPOINT push") }
                directory.remember(senders)
                results.append(.success(report))
                contacts[push.peer.unit.code, default: Contact(node: push.peerNode)].add(push)
            } catch let error as PostgresStoreError where !error.isDataRefusal {
                throw error  // the transaction itself: every push of it fails
            } catch {
                guard savepoints else { throw RefusedWithoutSavepoint(error: error) }
                try session.query("ROLLBACK TO SAVEPOINT push")
                try session.query("RELEASE SAVEPOINT push")
                results.append(.failure(error))
            }
        }
        do {
            try group?.flush()
        } catch let error as PostgresStoreError where !error.isDataRefusal {
            throw error
        } catch {
            throw RefusedWithoutSavepoint(error: error)  // which push's write it was, the retry tells
        }
        try recordContacts(contacts, session: session)
        try recordContact(
            of: pushes.filter { revocations[$0.peerNode] == nil }.compactMap(\.contact),
            at: wallClock.nowMilliseconds(),
            session)
        return results
    }

    /// Checks a push whole, as `TierSyncNode.accept` does before writing: every change in the
    /// child's subtree, every declared node in it.
    ///
    /// - Returns: the push's senders (node → org).
    func check(_ push: TierSyncNode.Push, directory: PeerDirectory) throws -> [NodeID: String] {
        for change in push.changes { try rules.checkScope(change, from: push.peer, directory: directory) }
        return try rules.senders(push.nodes, from: push.peer, directory: directory)
    }

    /// How far a child's pushes of one group moved its cursors.
    struct Contact {
        var node: String
        var received: Int64 = 0
        var acknowledged: Int64 = 0

        mutating func add(_ push: TierSyncNode.Push) {
            node = push.peerNode
            received = max(received, push.upTo)
            acknowledged = max(acknowledged, push.ack ?? 0)
        }
    }

    /// One checked push in the session's transaction: merged, and its arrivals noted, with
    /// those of `arrived` (records that came another way: copied from a snapshot). The
    /// child's cursor moves with the group's, in `apply`.
    ///
    /// With `storage` (a group's, its records read ahead), what the push writes is held there
    /// for the group's `flush`; without, the push reads ahead and writes through its own.
    func accept(
        _ push: TierSyncNode.Push, senders: [NodeID: String], session: PostgresSession, directory: PeerDirectory,
        clock: inout HybridLogicalClock, arrived: [FieldChange] = [], storage group: PostgresMergeStorage? = nil
    ) throws -> ApplyReport {
        let screened = rules.screenDecidedAbove(push.changes, nodes: senders, directory: directory)
        // Storage of its own per push: a rolled-back push leaves nothing read ahead or held.
        let storage = group ?? PostgresMergeStorage(session: session)
        if group == nil { try storage.prefetch(screened.allowed, tables: store.tables) }
        var merge = RemoteMerge(
            storage: storage, node: hubNode, tables: store.tables, policies: store.policies, clock: clock,
            wallClock: wallClock)
        var report = try merge.apply(
            screened.allowed, nodes: senders, skewBound: push.peer.skewBound(push.skewBound), directory: directory)
        report.refused += screened.refused
        var known = directory
        known.remember(senders)
        try noteArrivals(of: arrived + screened.allowed, from: push.peer, directory: known, merge: &merge)
        if group == nil { try storage.flush() }
        clock = merge.clock
        return report
    }

    /// Notes the first arrival here of the records of `changes` whose arrival is tracked in
    /// the direction they came (`TierSyncNode.noteArrivals`): a receipt, written as this
    /// hub's own change.
    func noteArrivals(
        of changes: [FieldChange], from peer: TierSyncNode.Peer, directory: PeerDirectory,
        merge: inout RemoteMerge<PostgresMergeStorage>
    ) throws {
        let tracked =
            switch peer {
            case .child: TierSyncNode.arrivalsFromBelow
            case .parent: TierSyncNode.arrivalsFromAbove
            }
        var seen: Set<String> = []
        for change in changes where tracked.contains(change.table) && seen.insert(change.record.rawValue).inserted {
            // A receipt an earlier push of the group held is sent first, so the query sees it.
            if seen.count == 1, merge.storage.holdingAll { try merge.storage.flush() }
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

    /// Moves the cursors of peer orgs forward (never back: pages may be retried), one
    /// statement for all of them.
    func recordContacts(_ contacts: [String: Contact], session: PostgresSession) throws {
        guard !contacts.isEmpty else { return }
        let now = ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())
        var values: [FieldValue] = []
        for (org, contact) in contacts.sorted(by: { $0.key < $1.key }) {
            values += [
                .text(org), .text(contact.node), .integer(contact.received), .integer(contact.acknowledged), .text(now),
            ]
        }
        let rows = (0..<contacts.count).map { row in
            "(" + (1...5).map { "$\(row * 5 + $0)" }.joined(separator: ", ") + ")"
        }
        try session.query(
            """
            INSERT INTO peer_cursor (org, node, received_seq, acked_seq, last_contact) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (org) DO UPDATE SET node = excluded.node,
                received_seq = greatest(peer_cursor.received_seq, excluded.received_seq),
                acked_seq = greatest(peer_cursor.acked_seq, excluded.acked_seq), last_contact = excluded.last_contact
            """, values)
    }
}
