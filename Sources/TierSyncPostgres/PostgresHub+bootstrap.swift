import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// A PostgreSQL hub's bootstrap from its parent: snapshot pages copied as a SQLite node
/// copies them (`ChangeWriter.insert(snapshot:)`): rows written as they are, versions and
/// kept conflicts included, and not logged, so nothing copied goes back up; a record the hub
/// already has is merged field by field instead. Until the bootstrap ends the hub serves its
/// children nothing, as a SQLite node does: a child reading its log meanwhile would never
/// receive the copied rows.
extension PostgresHub {
    /// Copies a page of the parent's snapshot in one transaction, with how far it got; the
    /// last page moves the pull cursor to where the snapshot began.
    public func acceptSnapshot(
        _ records: [RecordSnapshot], from peer: TierSyncNode.Peer, peerNode: String, nodes: [String: String],
        position: Int64, next: RecordSnapshot.Key?, later: [FieldChange]
    ) throws -> ApplyReport {
        guard case .parent = peer else {
            throw DomainError.forbidden("a snapshot is taken from the parent only, not from \(peer.unit.code)")
        }
        return try store.write { session in
            var directory = try store.directory(session)
            try rules.checkSnapshot(records, directory: directory)
            let storage = PostgresMergeStorage(session: session)
            let senders = try rules.senders(nodes, from: peer, directory: directory)
            for (node, org) in senders where node != hubNode && directory.learn(node, org: org) {
                try storage.registerNode(node, org: org)
            }
            var (report, merged, arrived) = try copy(records, storage: storage)
            // What could not be copied whole, and the later release's changes: merged as a pull's.
            let push = TierSyncNode.Push(changes: merged + later, peer: peer, peerNode: peerNode, nodes: nodes, upTo: 0)
            _ = try check(push, directory: directory)
            var clock = HybridLogicalClock(last: try store.clock(session))
            report.add(
                try accept(
                    push, senders: senders, session: session, directory: directory, clock: &clock, arrived: arrived))
            var cursor = try Self.cursor(for: peer.unit.code, session)
            let start = cursor.snapshotPosition ?? position
            cursor.node = peerNode
            cursor.lastContact = ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())
            if next == nil { cursor.receivedSeq = max(cursor.receivedSeq, start) }
            cursor.snapshotPosition = next == nil ? nil : start
            cursor.snapshotAfter = next?.description
            try Self.save(cursor, session)
            return report
        }
    }

    /// Inserts the rows of `records` this hub lacks, a table at a time, with their kept
    /// conflicts; a record refused by `copyCheck` is refused alone.
    ///
    /// - Returns: the report (`records` copied, refusals), the changes of the records the hub
    ///   already had, to merge, and a change of each copied record whose arrival is noted.
    func copy(_ records: [RecordSnapshot], storage: PostgresMergeStorage) throws -> (
        ApplyReport, merged: [FieldChange], arrived: [FieldChange]
    ) {
        var report = ApplyReport()
        var byTable: [String: [(record: RecordSnapshot, newest: HLCTimestamp)]] = [:]
        for record in records {
            switch record.copyCheck(tables: store.tables) {
            case .failure(let refusal): report.refused.append(refusal)
            case .success(let (table, newest)): byTable[table.name, default: []].append((record, newest))
            }
        }
        var merged: [FieldChange] = []
        var arrived: [FieldChange] = []
        var newest = HLCTimestamp.zero
        for (name, checked) in byTable.sorted(by: { $0.key < $1.key }) {
            guard let table = store.tables[name] else { continue }
            let columns = SyncedTable.bookkeepingColumns + table.fieldNames
            for part in checked.chunked(PostgresMergeStorage.maxParameters / columns.count) {
                let rows = part.indices.map { row in
                    "(" + (1...columns.count).map { "$\(row * columns.count + $0)" }.joined(separator: ", ") + ")"
                }
                // Written past the storage, which keeps what it read (`record`): it must not
                // have read these records before, and reads them only after, for the merge.
                let inserted = Set(
                    try storage.session.query(
                        "INSERT INTO \(name) (\(columns.joined(separator: ", "))) VALUES \(rows.joined(separator: ", "))"
                            + " ON CONFLICT (id) DO NOTHING RETURNING id", part.flatMap { $0.record.row(in: table) }
                    ).map { try $0.decode(String.self) })
                for (record, stamp) in part {
                    guard inserted.contains(record.id.rawValue) else {
                        merged += record.changes() ?? []  // the hub has the record: merge, never overwrite
                        continue
                    }
                    report.records += 1
                    newest = max(newest, stamp)
                    for kept in record.keptConflicts { try storage.insertConflict(kept) }
                    if TierSyncNode.arrivalsFromAbove.contains(name), let change = record.changes()?.first {
                        arrived.append(change)
                    }
                }
            }
        }
        if newest > .zero { try storage.observe(newest) }
        return (report, merged, arrived)
    }

    /// Refuses to serve children while this hub's own first sync with its parent is not
    /// complete (`TierSyncNode.requireBootstrapped`).
    func requireBootstrapped(_ session: PostgresSession) throws {
        guard let link = try Self.parentLink(session), link.lastSync == nil else { return }
        throw TierSyncNode.bootstrapping(hubOrg, parent: link.org)
    }
}
