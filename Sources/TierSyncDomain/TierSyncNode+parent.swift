import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// This node's side of the link with its parent: joining, recording syncs and
/// acknowledgements, and what `tiersync status` shows.
extension TierSyncNode {
    /// This node's link to its parent, once joined.
    public func parentLink() throws -> ParentLink? {
        try store.read { db in try ParentLink.fetchOne(db) }
    }
}

extension TierSyncNode {
    /// Records this node's parent hub and the credential it was given.
    public func link(to url: String, org parentOrg: String, node parentNode: String, credential: String) throws {
        try store.write { writer in
            guard case .parent = try relation(to: parentOrg, db: writer.db) else {
                throw DomainError.invalidValue(
                    field: "parent", value: parentOrg, allowed: "this node's parent org (\(org.parent ?? "none"))")
            }
            guard let parentID = NodeID(parentNode) else {
                throw DomainError.invalidValue(field: "parent node", value: parentNode, allowed: "a node id")
            }
            try writer.registerNode(parentID, org: parentOrg)
            try ParentLink(
                url: url, org: parentOrg, node: parentNode, credential: credential,
                joinedAt: ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
            ).save(writer.db)
        }
    }

    /// What one sync attempt moved, for its record in `sync_attempt`.
    public struct SyncCounts: Sendable, Equatable {
        public var pushed = 0, pulled = 0, copied = 0, conflicts = 0
        public var refused: [String] = []
        public init(pushed: Int = 0, pulled: Int = 0, copied: Int = 0, conflicts: Int = 0, refused: [String] = []) {
            (self.pushed, self.pulled, self.copied, self.conflicts, self.refused) =
                (pushed, pulled, copied, conflicts, refused)
        }
    }

    /// Records the end of a sync with the parent: its time when it succeeded, its error when
    /// not, and what it moved; the last 200 attempts are kept for the sync page.
    public func recordSync(error: String?, counts: SyncCounts = SyncCounts()) throws {
        try store.write { writer in
            guard var link = try ParentLink.fetchOne(writer.db) else { return }
            let now = ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
            if let error {
                link.lastError = error
            } else {
                link.lastSync = now
                link.lastError = nil
            }
            try link.update(writer.db)
            var attempt = SyncAttempt(at: now, ok: error == nil)
            (attempt.pushed, attempt.pulled, attempt.copied, attempt.conflicts) =
                (counts.pushed, counts.pulled, counts.copied, counts.conflicts)
            attempt.refused = counts.refused.count
            attempt.refusals = counts.refused.isEmpty ? nil : counts.refused.prefix(50).joined(separator: "\n")
            attempt.error = error
            try attempt.insert(writer.db)
            try writer.db.execute(
                sql: "DELETE FROM sync_attempt WHERE id <= ?", arguments: [(attempt.id ?? 0) - 200])
        }
    }

    /// The latest sync attempts, newest first.
    public func syncAttempts(limit: Int = 20) throws -> [SyncAttempt] {
        try store.read { db in try SyncAttempt.order(Column("id").desc).limit(limit).fetchAll(db) }
    }

    /// Records that the peer `org` confirmed this node's log up to `upTo`.
    public func acknowledge(org peerOrg: String, node peerNode: String, upTo: Int64) throws {
        try store.write { writer in
            try recordContact(
                with: try relation(to: peerOrg, db: writer.db), node: peerNode, received: nil, acknowledged: upTo,
                db: writer.db)
        }
    }
}

extension TierSyncNode {
    /// What `tiersync status` shows.
    public struct SyncStatus: Codable, Sendable {
        public let node: String
        public let org: String
        public let parent: String?
        public let lastSync: String?
        public let lastError: String?
        /// Changes made in this node's subtree that the parent has not acknowledged.
        public let waiting: Int
        public let openConflicts: Int
        /// Changes the parent refused in the latest sync attempt.
        public let refused: Int
        /// When the latest attempt ended, and whether it reached the parent and completed.
        public let lastAttempt: String?
        public let lastAttemptOK: Bool?
        /// This node's clock against its parent's at the last contact, once measured.
        public let clockOffset: ClockOffset?
    }

}

extension SyncChild {
    /// What `tiersync status` shows of a node with `openConflicts` open conflicts.
    public func syncStatus(openConflicts: Int) throws -> TierSyncNode.SyncStatus {
        let link = try parentLink()
        var waiting = 0
        if let link {
            try outgoing(to: try peer(link.org), after: try cursor(for: link.org).ackedSeq, limit: .max) { _ in
                waiting += 1
            }
        }
        let latest = try syncAttempts(limit: 1).first
        return TierSyncNode.SyncStatus(
            node: childNode.rawValue, org: childOrg.code, parent: link.map { "\($0.url) (\($0.org))" },
            lastSync: link?.lastSync,
            lastError: link?.lastError, waiting: waiting, openConflicts: openConflicts,
            refused: latest?.refused ?? 0, lastAttempt: latest?.at, lastAttemptOK: latest?.ok,
            clockOffset: link?.clockOffsetMs.map(ClockOffset.init(milliseconds:)))
    }
}
