import Foundation
import GRDB
import TierSyncCore
import TierSyncProtocol
import TierSyncStore

/// Checkpoints kept on both sides of the link with the parent and compared at the start of
/// every sync (as CouchDB's replication checkpoints are): a parent restored from a backup
/// has less than it acknowledged, and this node sends it again; a parent whose log began a
/// new epoch is pulled again from where that epoch starts.
extension TierSyncNode {
    /// What comparing checkpoints with the parent changed.
    public struct Reconciliation: Sendable, Equatable {
        /// The push cursor moved back to this position: the parent lost what came after.
        public var resendFrom: Int64?
        /// The pull cursor moved back to this position of the parent's log.
        public var pullFrom: Int64?
        /// This node's clock minus the parent's, in milliseconds.
        public var clockOffset: Int64?

        public init() {}
    }

    /// Compares this node's cursors with `status`, the parent's answer to `GET /v1/status`
    /// (asked at `sentAt` and answered at `receivedAt`, this node's clock), and moves them
    /// back where the parent has less than they say; records the clock offset.
    ///
    /// - Throws: `DomainError` when the parent holds more of this node's log than this node
    ///   does: the file was put back from a backup by hand, and must be restored with
    ///   `tiersync restore` (a new node id) before it syncs, or its new edits would reuse
    ///   versions the parent already has.
    @discardableResult
    public func reconcile(with status: StatusResponse, sentAt: Int64, receivedAt: Int64) throws -> Reconciliation {
        try store.write { writer in
            guard var link = try ParentLink.fetchOne(writer.db) else { return Reconciliation() }
            var cursor = try PeerCursor.find(writer.db, org: link.org)
            var outcome = Reconciliation()
            let last = try store.lastSequence(db: writer.db)
            try requireNotCopiedBack(peerHas: status.receivedFromYou, last: last, db: writer.db)
            var pullFrom = cursor.receivedSeq
            // A new epoch: the parent was restored. What it had acknowledged after its backup
            // is gone (its own cursor for this node says how far it got), and its log goes on
            // from the backup's end with changes this node has not seen. (Without a new epoch
            // the parent's cursor may lag this node's on purpose: pages with nothing for the
            // parent are acknowledged here without being sent.)
            if let epoch = status.epoch, let seen = cursor.epoch, seen != epoch {
                if status.receivedFromYou < cursor.ackedSeq {
                    cursor.ackedSeq = status.receivedFromYou
                    outcome.resendFrom = status.receivedFromYou
                }
                // The parent may have lost files too: ask it again about every one.
                try writer.db.execute(sql: "UPDATE blob SET sent_up = 0")
                pullFrom = min(pullFrom, status.epochSince ?? 0)
            }
            pullFrom = min(pullFrom, status.lastSequence)  // a parent whose log is shorter than we pulled
            if pullFrom < cursor.receivedSeq, cursor.snapshotPosition == nil {
                cursor.receivedSeq = pullFrom
                outcome.pullFrom = pullFrom
            }
            if status.epoch != nil { cursor.epoch = status.epoch }
            try cursor.save(writer.db)
            if let hubTime = status.hubTime {
                outcome.clockOffset = ClockOffset(sentAt: sentAt, receivedAt: receivedAt, hubTime: hubTime).milliseconds
                link.clockOffsetMs = outcome.clockOffset
                try link.update(writer.db)
            }
            return outcome
        }
    }

    /// Compares a bundle's epoch with the one last seen from its sender, before the bundle's
    /// positions are recorded (`reconcile(_:with:from:)`), and saves the cursor.
    func reconcile(with header: BundleHeader, from peer: Peer, db: Database) throws -> Int64? {
        try requireNotCopiedBack(peerHas: header.ack, last: try store.lastSequence(db: db), db: db)
        var cursor = try PeerCursor.find(db, org: peer.unit.code)
        let acknowledged = Self.reconcile(&cursor, with: header, from: peer)
        try cursor.save(db)
        return acknowledged
    }

    /// `cursor`, of the peer that sent a bundle with `header`, once the bundle's epoch is
    /// compared with the one last seen from it. A sender in a new epoch was restored from a
    /// backup:
    /// - its log goes on from the backup's end, so its `upTo` replaces the position recorded,
    ///   which may be past it;
    /// - a parent lost what it had acknowledged of this node's log after its backup: its `ack`
    ///   says how far it has it, and the next bundle to it starts there;
    /// - a child lost what it had made and received since (a restore gives it a new node id):
    ///   the next bundle to it is a snapshot of its scope, as a restored child's first sync
    ///   over HTTP is.
    ///
    /// - Returns: the acknowledgement to record: the bundle's `ack`, or nil for a restored
    ///   child (whose acknowledgement no longer says what it holds).
    public static func reconcile(_ cursor: inout PeerCursor, with header: BundleHeader, from peer: Peer) -> Int64? {
        guard let epoch = header.epoch else { return header.ack }
        var acknowledged: Int64? = header.ack
        if let seen = cursor.epoch, seen != epoch {
            cursor.receivedSeq = header.upTo
            if case .child = peer {
                cursor.ackedSeq = 0
                acknowledged = nil
            } else {
                cursor.ackedSeq = min(cursor.ackedSeq, header.ack)
            }
        }
        cursor.epoch = epoch
        return acknowledged
    }

    /// Refuses to sync a file whose peer holds more of its log (`peerHas`) than it has
    /// (`last`): it was put back from a backup by hand. A node restored with `tiersync restore`
    /// starts a `restore` epoch and a new node id, so a peer ahead of its log is then harmless.
    func requireNotCopiedBack(peerHas: Int64, last: Int64, db: Database) throws {
        guard peerHas > last, try LogEpoch.current(db).reason != "restore" else { return }
        throw DomainError.procedure(
            "the peer has received this node's log up to \(peerHas), but this file's log ends at \(last): it was copied back from an older backup. Run `tiersync restore --db \(store.path) --from \(store.path)` before syncing, so that new edits get a new node id",
            chinese:
                "上级或下级已收到本节点第 \(peerHas) 条变更，而本机数据只到第 \(last) 条：数据库文件是从旧备份直接拷回的。请先运行 tiersync restore 恢复后再同步。",
            forbidden: false)
    }

    /// Records this node's clock offset from its parent, measured from a push's answer.
    public func recordClockOffset(hubTime: Int64, sentAt: Int64, receivedAt: Int64) throws {
        try store.write { writer in
            try writer.db.execute(
                sql: "UPDATE parent_link SET clock_offset_ms = ?",
                arguments: [ClockOffset(sentAt: sentAt, receivedAt: receivedAt, hubTime: hubTime).milliseconds])
        }
    }

    /// Makes `path` a working node again from the backup at `backup` (see
    /// `NodeStore.restore`): a new node id, a new log epoch, and a bootstrap from the parent
    /// at the next sync. `backup` may be `path` itself, for a file copied back by hand.
    public static func restore(from backup: String, to path: String) throws -> (old: NodeID, new: NodeID) {
        var random = SystemRandomNumberGenerator()
        let new = NodeID.random(using: &random)
        let (old, _) = try NodeStore.restore(from: backup, to: path, newNodeID: new)
        return (old, new)
    }
}
