import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// What children read from a PostgreSQL hub: pages of its log and snapshots of their scope,
/// each in one `REPEATABLE READ` snapshot, served by any process.
extension PostgresHub {
    public func pullPage(
        for child: ChildNode, after seq: Int64, limit: Int, _ body: (FieldChange) throws -> Void
    ) throws -> (upTo: Int64, senders: [NodeID: String], last: Int64) {
        let page = try store.read { session in
            try requireBootstrapped(session)
            let (upTo, senders) = try outgoing(
                to: try relation(to: child.org, session), after: seq, limit: limit, session: session, body)
            let acked =
                try session.query("SELECT acked_seq FROM peer_cursor WHERE org = $1", [.text(child.org)]).first?
                .decode(Int64.self) ?? 0
            return (upTo, senders, try store.lastSequence(session), acked)
        }
        // Asking from `seq` says the child has applied everything up to it; written only when
        // that moves its cursor, as on SQLite, so that a pull that finds nothing writes nothing.
        if page.3 < seq {
            try store.withSession { session in
                try recordContacts(
                    [child.org: Contact(node: child.id, received: 0, acknowledged: seq)], session: session)
            }
        }
        return (page.0, page.1, page.2)
    }

    /// Streams what `peer` should receive after this hub's log position `seq`, at most `limit`
    /// changes, as `TierSyncNode.outgoing` does: toward the parent, everything made in this
    /// hub's subtree; toward a child, everything in the child's scope made outside it.
    @discardableResult
    public func outgoing(
        to peer: TierSyncNode.Peer, after seq: Int64, limit: Int, _ body: (FieldChange) throws -> Void
    ) throws -> (upTo: Int64, senders: [NodeID: String]) {
        try store.read { session in try outgoing(to: peer, after: seq, limit: limit, session: session, body) }
    }

    /// `outgoing(to:after:limit:_:)` in the session's snapshot, with the directory read in it.
    func outgoing(
        to peer: TierSyncNode.Peer, after seq: Int64, limit: Int, session: PostgresSession,
        _ body: (FieldChange) throws -> Void
    ) throws -> (upTo: Int64, senders: [NodeID: String]) {
        let directory = try store.directory(session)
        let lookup = PostgresShareLookup(session: session)
        var page = TierSyncNode.OutgoingPage(limit: limit)
        let upTo = try store.forEachChange(
            after: seq, line: peer.line, session: session, where: { try rules.reaches($0, peer, directory, lookup) }
        ) { try page.take($0, directory: directory, body) }
        return (upTo, page.senders)
    }

    public func snapshot(
        for peer: TierSyncNode.Peer, after key: RecordSnapshot.Key?, limit: Int, _ body: (RecordSnapshot) throws -> Void
    ) throws -> TierSyncNode.SnapshotPage {
        guard case .child(let child) = peer else {
            throw DomainError.forbidden("a snapshot is served to a child only, not to \(peer.unit.code)")
        }
        return try store.read { session in
            try requireBootstrapped(session)
            let position = try store.lastSequence(session)
            let next = try store.forEachRecord(within: child.path, after: key, limit: limit, session: session, body)
            var page = TierSyncNode.SnapshotPage(nodes: [:], position: position, next: next)
            if key == nil {
                page.nodes = try nodes(seenBy: child, session)
                page.total = try store.recordCount(within: child.path, session: session)
            }
            if next == nil {
                let directory = try store.directory(session)
                let lookup = PostgresShareLookup(session: session)
                page.later = try store.opaqueChanges(session).filter { try rules.reaches($0, peer, directory, lookup) }
            }
            return page
        }
    }

    /// Nodes whose versions a child's records can hold: those of its subtree and of the orgs
    /// above it, never a sibling's.
    func nodes(seenBy child: OrgUnit, _ session: PostgresSession) throws -> [String: String] {
        var nodes: [String: String] = [:]
        let (below, values) = PostgresStore.subtree(of: child.path, alias: "u", from: 1)
        let rows = try session.query(
            """
            SELECT n.id, n.org FROM (SELECT id, org FROM peer_node UNION ALL SELECT id, org FROM node) AS n
            JOIN org_unit AS u ON u.code = n.org
            WHERE \(below) OR $1 LIKE u.path || '/%'
            """, values)
        for row in rows {
            let (id, org) = try row.decode((String, String).self)
            nodes[id] = org
        }
        return nodes
    }

}

/// The `share` of records in a PostgreSQL store, for `ExchangeRules`.
struct PostgresShareLookup: ShareLookup {
    let session: PostgresSession

    func share(table: String, id: String) throws -> String? {
        try session.query("SELECT share FROM \(table) WHERE id = $1", [.text(id)]).first?.decode(String?.self)
    }

    func attachedRecord(_ id: String) throws -> (table: String, id: String)? {
        guard
            let row = try session.query("SELECT record_kind, record_id FROM attachment WHERE id = $1", [.text(id)])
                .first,
            let (table, record) = try? row.decode((String?, String?).self), let table, let record
        else { return nil }
        return (table, record)
    }
}
