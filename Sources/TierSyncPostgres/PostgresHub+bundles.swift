import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// Sync by file on a hub on PostgreSQL, as a SQLite node does it (`TierSyncNode+bundles.swift`):
/// a bundle carries what a peer (the parent, or a child whose link is cut) should receive and
/// has not acknowledged, written from one snapshot of the database; one that arrives is
/// checked whole, then applied in one transaction holding the writer lock, with the merge and
/// the checks of a push.
extension PostgresHub {
    /// Writes the changes `peerOrg` should receive and has not acknowledged, with the files of
    /// the attachments they carry in the folder beside the bundle (`filesFolder(ofBundle:)`).
    @discardableResult
    public func exportBundle(to peerOrg: String, path: String) throws -> TierSyncNode.BundleSummary {
        let wanted = try blobsWanted().prefix(TierSyncNode.wantedFilesLimit).map(\.sha256)
        var files: Set<String> = []
        let (written, peer) = try store.read { session in
            let peer = try relation(to: peerOrg, session)
            if case .child = peer { try requireBootstrapped(session) }
            let cursor = try Self.cursor(for: peerOrg, session)
            let upTo = try store.lastSequence(session)
            let (epoch, since) = try Self.epoch(session)
            let writer = try BundleWriter(
                path: path,
                header: BundleHeader(
                    fromNode: hubNode.rawValue, fromOrg: hubOrg.code, toOrg: peerOrg,
                    createdAt: ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds()), upTo: upTo,
                    ack: cursor.receivedSeq, epoch: epoch, epochSince: since, wantedFiles: wanted))
            func append(_ change: FieldChange) throws {
                try writer.append(change)
                if change.table == "attachment", change.field == "sha256", let sha = change.value.textValue {
                    files.insert(sha)
                }
            }
            var senders: [NodeID: String] = [:]
            if case .child(let child) = peer, cursor.ackedSeq == 0 {
                // A child that has received nothing yet gets the records as they are now, as
                // its first pull over HTTP would (a snapshot): the log does not hold what this
                // hub copied from its own parent's snapshot.
                let directory = try store.directory(session)
                func take(_ change: FieldChange) throws {
                    senders[change.node] = directory.org(ofNode: change.node)
                    try append(change)
                }
                var key: RecordSnapshot.Key?
                repeat {
                    key = try store.forEachRecord(within: child.path, after: key, limit: 5_000, session: session) {
                        for change in $0.changes() ?? [] { try take(change) }
                    }
                } while key != nil
                let lookup = PostgresShareLookup(session: session)
                for change in try store.opaqueChanges(session) where try rules.reaches(change, peer, directory, lookup)
                {
                    try take(change)
                }
            } else {
                (_, senders) = try outgoing(to: peer, after: cursor.ackedSeq, limit: .max, session: session) {
                    try append($0)
                }
            }
            try writer.finish(nodes: senders)
            return (TierSyncNode.BundleSummary(path: path, toOrg: peerOrg, changes: writer.count, upTo: upTo), peer)
        }
        var summary = written
        files.formUnion(try filesWanted(by: peer))
        (summary.files, summary.fileBytes) = try writeBundleFiles(files, bundle: path)
        return summary
    }

    /// Checks a bundle whole (integrity, addressee, scope), then applies it in one transaction
    /// holding the writer lock, a batch of changes at a time, and records what it acknowledges.
    ///
    /// - Parameter skewBound: how far ahead of this hub's clock a child's change may be stamped,
    ///   in milliseconds; later ones are refused and reported with their node.
    public func importBundle(path: String, skewBound: Int64 = ChangeWriter.defaultSkewBound) throws
        -> TierSyncNode.BundleImport
    {
        let reader = try BundleReader(path: path)
        let header = reader.header
        try TierSyncNode.requireAddressed(header, to: hubOrg, path: path)
        let (peer, directory) = try store.read { session in
            (try relation(to: header.fromOrg, session), try store.directory(session))
        }
        // Pass 1: the whole file, before anything is applied.
        while let change = try reader.next() {
            try rules.checkScope(change, from: peer, directory: directory)
        }
        let nodes = reader.trailer?.nodes ?? [:]
        let senders = try rules.senders(nodes, from: peer, directory: directory)
        // Pass 2: in one transaction, each batch merged as a push is.
        let again = try BundleReader(path: path)
        let report = try store.write { session in
            try requireNotCopiedBack(peerHas: header.ack, session)
            var directory = try store.directory(session)
            var clock = HybridLogicalClock(last: try store.clock(session))
            var report = ApplyReport()
            var batch: [FieldChange] = []
            func apply() throws {
                let push = TierSyncNode.Push(
                    changes: batch, peer: peer, peerNode: header.fromNode, nodes: nodes, upTo: header.upTo,
                    skewBound: skewBound)
                report.add(
                    try accept(push, senders: senders, session: session, directory: directory, clock: &clock))
                directory.remember(senders)
                batch.removeAll(keepingCapacity: true)
            }
            while let change = try again.next() {
                batch.append(change)
                if batch.count == 2_000 { try apply() }
            }
            try apply()
            var cursor = try Self.cursor(for: peer.unit.code, session)
            let acknowledged = TierSyncNode.reconcile(&cursor, with: header, from: peer)
            try Self.save(cursor, session)
            try TierSyncNode.recordWantedFiles(header.wantedFiles ?? [], of: peer, in: session)
            try recordContacts(
                [
                    peer.unit.code: Contact(
                        node: header.fromNode, received: header.upTo, acknowledged: acknowledged ?? 0)
                ], session: session)
            return report
        }
        var result = TierSyncNode.BundleImport(fromOrg: header.fromOrg, fromNode: header.fromNode, report: report)
        result.files = try readBundleFiles(bundle: path, from: peer)
        return result
    }

    /// The log's epoch now: its id, and the position it starts after.
    static func epoch(_ session: PostgresSession) throws -> (id: String, since: Int64) {
        guard let row = try session.query("SELECT id, since_seq FROM log_epoch ORDER BY n DESC LIMIT 1").first else {
            throw PostgresStoreError.corrupt("no log epoch")
        }
        return try row.decode((String, Int64).self)
    }

    /// Refuses a bundle whose sender holds more of this hub's log (`peerHas`) than the
    /// database does: it was put back from an older dump without `tiersync restore`.
    func requireNotCopiedBack(peerHas: Int64, _ session: PostgresSession) throws {
        let last = try store.lastSequence(session)
        guard peerHas > last,
            try session.query("SELECT reason FROM log_epoch ORDER BY n DESC LIMIT 1").first?.decode(String.self)
                != "restore"
        else { return }
        throw DomainError.procedure(
            "the peer has received this hub's log up to \(peerHas), but the database at \(store.address) ends at \(last): it was restored from an older dump. Stop every `tiersync serve` of it and run `tiersync restore --db \(store.address)` before syncing, so that new changes get a new node id",
            chinese:
                "上级或下级已收到本节点第 \(peerHas) 条变更，而本节点数据库只到第 \(last) 条：数据库是从较早的备份恢复的。请先停止本节点的服务，运行 tiersync restore 后再同步。",
            forbidden: false)
    }
}
