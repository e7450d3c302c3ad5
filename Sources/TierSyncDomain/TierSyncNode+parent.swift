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

    /// Records the end of a sync with the parent: its time when it succeeded, its error when not.
    public func recordSync(error: String?) throws {
        try store.write { writer in
            guard var link = try ParentLink.fetchOne(writer.db) else { return }
            if let error {
                link.lastError = error
            } else {
                link.lastSync = ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
                link.lastError = nil
            }
            try link.update(writer.db)
        }
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
    }

    public func syncStatus() throws -> SyncStatus {
        let link = try parentLink()
        var waiting = 0
        if let link {
            try outgoing(to: try peer(link.org), after: try cursor(for: link.org).ackedSeq) { _ in waiting += 1 }
        }
        return SyncStatus(
            node: store.node.id.rawValue, org: org.code, parent: link.map { "\($0.url) (\($0.org))" },
            lastSync: link?.lastSync,
            lastError: link?.lastError, waiting: waiting, openConflicts: try conflicts().count)
    }
}
