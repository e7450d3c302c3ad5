import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// How each enrolled child is keeping up: what a hub operator checks before trusting the
/// consolidated view.
extension TierSyncNode {
    /// One enrolled child node's sync health.
    public struct ChildHealth: Codable, Sendable, Equatable {
        public let node: String
        public let org: String
        public let orgName: String
        public let enrolledAt: String
        public let lastContact: String?
        public let revokedAt: String?
        /// How far this hub has applied the child's log.
        public let receivedFromChild: Int64
        /// How far the child has pulled this hub's log.
        public let pulledByChild: Int64
        /// Log entries of the child's scope after what it pulled, made outside its subtree: an
        /// upper bound of what its next pull brings (entries superseded since are counted too).
        public let waitingForChild: Int
        /// Open conflicts on records of the child's subtree.
        public let openConflicts: Int

        public init(
            node: String, org: String, orgName: String, enrolledAt: String, lastContact: String?, revokedAt: String?,
            receivedFromChild: Int64, pulledByChild: Int64, waitingForChild: Int, openConflicts: Int
        ) {
            self.node = node
            self.org = org
            self.orgName = orgName
            self.enrolledAt = enrolledAt
            self.lastContact = lastContact
            self.revokedAt = revokedAt
            self.receivedFromChild = receivedFromChild
            self.pulledByChild = pulledByChild
            self.waitingForChild = waitingForChild
            self.openConflicts = openConflicts
        }
    }

    /// Every enrolled child, with its cursors, the changes waiting for it and its subtree's
    /// open conflicts; one read. Waiting changes are counted from the log's rows, without
    /// expanding them: entries that compaction dropped from a row it kept still count.
    public func childHealth() throws -> [ChildHealth] {
        try store.read { db in
            try ChildNode.order(Column("org"), Column("id")).fetchAll(db).map { child in
                let unit = try orgUnit(child.org, db: db)
                let cursor = try PeerCursor.find(db, org: child.org)
                let subtree = OrgUnit.subtreeCodes
                let scope = OrgUnit.subtreeArguments(unit.path)
                let waiting =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT coalesce(sum(min(n, seq - ?)), 0) FROM change_log_row WHERE seq > ?
                            AND org IN \(subtree) AND node NOT IN (SELECT id FROM peer_node WHERE org IN \(subtree))
                            """, arguments: [cursor.ackedSeq, cursor.ackedSeq] + scope + scope) ?? 0
                let conflicts =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM conflict WHERE settled_hlc IS NULL AND org IN \(subtree)",
                        arguments: scope) ?? 0
                return ChildHealth(
                    node: child.id, org: child.org, orgName: unit.name, enrolledAt: child.enrolledAt,
                    lastContact: child.lastContact, revokedAt: child.revokedAt, receivedFromChild: cursor.receivedSeq,
                    pulledByChild: cursor.ackedSeq, waitingForChild: waiting, openConflicts: conflicts)
            }
        }
    }

    /// Records that the child `org` has applied this node's log up to `seq` (it asked to pull
    /// after it). Writes only when the cursor moves: a repeated page costs a read.
    func recordPulled(by child: ChildNode, upTo seq: Int64) throws {
        guard try cursor(for: child.org).ackedSeq < seq else { return }
        try store.write { writer in
            try recordContact(
                with: try relation(to: child.org, db: writer.db), node: child.id, received: nil, acknowledged: seq,
                db: writer.db)
        }
    }
}
