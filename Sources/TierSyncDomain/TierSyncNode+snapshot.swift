import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Bootstrapping a new child from record rows: what its scope holds now, whole, rather than
/// the history of every field. A parent serves a snapshot to a child that has nothing yet; the
/// child copies it page by page, then follows the parent's log from where the snapshot began.
extension TierSyncNode {
    /// What comes with one page of a snapshot besides its records.
    public struct SnapshotPage: Sendable {
        /// The org of every node whose versions the child's scope may hold (first page only).
        public var nodes: [String: String]
        /// This node's log position when the page was read.
        public var position: Int64
        /// Where the next page starts; nil when the snapshot is complete.
        public var next: RecordSnapshot.Key?
        /// How many records the whole snapshot holds (first page only).
        public var total: Int?
        /// The later release's changes this node keeps opaque in the child's scope (last page
        /// only): record rows do not hold them.
        public var later: [FieldChange] = []

        public init(nodes: [String: String], position: Int64, next: RecordSnapshot.Key?) {
            (self.nodes, self.position, self.next) = (nodes, position, next)
        }
    }

    /// Streams the records of `peer`'s scope after `key`, at most `limit`, read in one
    /// transaction with the log position they are current at.
    public func snapshot(
        for peer: Peer, after key: RecordSnapshot.Key?, limit: Int, _ body: (RecordSnapshot) throws -> Void
    ) throws -> SnapshotPage {
        guard case .child(let child) = peer else {
            throw DomainError.forbidden("a snapshot is served to a child only, not to \(peer.unit.code)")
        }
        return try store.read { db in
            try requireBootstrapped(db: db)
            let position = try store.lastSequence(db: db)
            let next = try store.forEachRecord(within: child.path, after: key, limit: limit, db: db, body)
            var page = SnapshotPage(nodes: [:], position: position, next: next)
            if key == nil {
                page.nodes = try nodes(seenBy: child, db: db)
                page.total = try store.recordCount(within: child.path, db: db)
            }
            if next == nil { page.later = try opaqueChanges(for: peer, db: db) }
            return page
        }
    }

    /// The changes of a later release kept opaque here that go to `peer` (see `reaches`).
    func opaqueChanges(for peer: Peer, db: Database) throws -> [FieldChange] {
        let directory = try store.directories.directory(db)
        return try store.opaqueChanges(db: db).filter { try reaches($0, peer, directory, db) }
    }

    /// Nodes whose versions a child's records can hold: those of its subtree and of the orgs
    /// above it (which may edit records below them), never a sibling's.
    private func nodes(seenBy child: OrgUnit, db: Database) throws -> [String: String] {
        var nodes: [String: String] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT n.id, n.org FROM (SELECT id, org FROM peer_node UNION ALL SELECT id, org FROM node) AS n
                JOIN org_unit AS u ON u.code = n.org
                WHERE u.path = ?1 OR u.path LIKE ?1 || '/%' OR ?1 LIKE u.path || '/%'
                """, arguments: [child.path])
        for row in rows { nodes[row[0]] = row[1] }
        return nodes
    }

    /// Copies a snapshot page from the parent in one transaction, after checking its scope,
    /// and records in the same transaction how far the snapshot got; the last page moves the
    /// parent's cursor to where the snapshot began.
    ///
    /// - Parameter later: on the last page, the changes of a later release the parent keeps
    ///   opaque; applied with the page, as any change that arrives.
    public func acceptSnapshot(
        _ records: [RecordSnapshot], from peer: Peer, peerNode: String, nodes: [String: String], position: Int64,
        next: RecordSnapshot.Key?, later: [FieldChange] = [], skewBound: Int64 = ChangeWriter.defaultSkewBound
    ) throws -> ApplyReport {
        guard case .parent = peer else {
            throw DomainError.forbidden("a snapshot is taken from the parent only, not from \(peer.unit.code)")
        }
        return try store.write { writer in
            let directory = try writer.directory()
            try rules.checkSnapshot(records, directory: directory)
            let senders = try rules.senders(nodes, from: peer, directory: directory)
            var report = try writer.insert(
                snapshot: records, nodes: senders, skewBound: peer.skewBound(skewBound), directory: directory)
            for change in later { try rules.checkScope(change, from: peer, directory: directory) }
            report.add(
                try writer.apply(later, nodes: senders, skewBound: peer.skewBound(skewBound), directory: directory))
            for record in records where Self.arrivalsFromAbove.contains(record.table) {
                try noteReceipt(
                    table: record.table, record: record.id, org: record.org, event: "arrived", directory: directory,
                    writer: &writer)
            }
            var cursor = try PeerCursor.find(writer.db, org: peer.unit.code)
            let start = cursor.snapshotPosition ?? position
            try recordContact(
                with: peer, node: peerNode, received: next == nil ? start : nil, acknowledged: nil, db: writer.db)
            cursor = try PeerCursor.find(writer.db, org: peer.unit.code)
            cursor.snapshotPosition = next == nil ? nil : start
            cursor.snapshotAfter = next?.description
            try cursor.save(writer.db)
            return report
        }
    }

    /// Refuses to serve children while this node's own bootstrap from its parent is not
    /// complete: records copied from a snapshot are not in the log, so a child that read the
    /// log meanwhile would never receive them.
    public func requireBootstrapped() throws {
        try store.read { db in try requireBootstrapped(db: db) }
    }

    func requireBootstrapped(db: Database) throws {
        guard let link = try ParentLink.fetchOne(db), link.lastSync == nil else { return }
        throw Self.bootstrapping(org, parent: link.org)
    }

    /// The refusal to serve children while the node of `org` bootstraps from `parent`.
    public static func bootstrapping(_ org: OrgUnit, parent: String) -> DomainError {
        DomainError.unavailable(
            "node \(org.code) \(org.name) has not finished its first sync with its parent \(parent); "
                + "its records are still arriving, so try again after its next sync")
    }

    /// Streams the changes that carry the records of a child's scope as they are now: what a
    /// child that has received nothing yet is sent by bundle.
    func forEachSnapshotChange(for child: OrgUnit, _ body: (FieldChange) throws -> Void) throws {
        try store.read { db in
            var key: RecordSnapshot.Key?
            repeat {
                key = try store.forEachRecord(within: child.path, after: key, limit: 5_000, db: db) { record in
                    for change in record.changes() ?? [] { try body(change) }
                }
            } while key != nil
            for change in try opaqueChanges(for: .child(child), db: db) { try body(change) }
        }
    }
}
