import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// What moves between a node and a peer (its parent or a child), whatever carries it: a
/// bundle file or an HTTP request. Scope is enforced here, once for every transport.
extension TierSyncNode {
    /// A peer of this node: its parent, or one of its children.
    public enum Peer: Sendable {
        case parent(OrgUnit), child(OrgUnit)

        /// How far ahead of this node's clock the peer's stamps may be. A parent's clock is
        /// the reference below it: a node whose own clock is behind must still take its
        /// parent's changes (its hybrid clock then moves up to theirs). A child ahead by more
        /// than `bound` is refused, so that one wrong clock cannot drag the levels above along.
        public func skewBound(_ bound: Int64) -> Int64 {
            if case .parent = self { return .max }
            return bound
        }

        public var unit: OrgUnit {
            switch self {
            case .parent(let unit), .child(let unit): unit
            }
        }

        /// The line of the tree whose records the peer receives: a child's path (its subtree
        /// and what is shared from above); nil toward the parent, which is sent by origin.
        public var line: String? { if case .child(let child) = self { child.path } else { nil } }
    }

    /// A page of what a peer receives, as the log is walked: at most `limit` changes, and the
    /// org of every node whose changes it holds.
    public struct OutgoingPage {
        public let limit: Int
        public private(set) var senders: [NodeID: String] = [:]
        private var sent = 0

        public init(limit: Int) { self.limit = limit }

        /// Passes `change` to `body` and notes its sender; false once the page is full.
        public mutating func take(
            _ change: FieldChange, directory: PeerDirectory, _ body: (FieldChange) throws -> Void
        ) rethrows -> Bool {
            guard sent < limit else { return false }
            senders[change.node] = directory.org(ofNode: change.node)
            sent += 1
            try body(change)
            return true
        }
    }

    /// The peer named by `code`: this node's parent or one of its children.
    public func peer(_ code: String) throws -> Peer {
        try store.read { db in try relation(to: code, db: db) }
    }

    func relation(to code: String, db: Database) throws -> Peer {
        try Self.relation(of: try orgUnit(code, db: db), to: org) {
            try OrgUnit.filter(Column("parent") == org.code).fetchAll(db).map(\.code)
        }
    }

    /// What `unit` is to the node of `org`: its parent or one of its children (`children`,
    /// their codes, are read only to name them when it is neither).
    public static func relation(of unit: OrgUnit, to org: OrgUnit, children: () throws -> [String]) throws -> Peer {
        if unit.code == org.parent { return .parent(unit) }
        if unit.parent == org.code { return .child(unit) }
        throw DomainError.invalidValue(
            field: "peer", value: unit.code,
            allowed:
                "this node's parent (\(org.parent ?? "none")) or one of its children (\(try children().joined(separator: ", ")))"
        )
    }

    /// Streams what `peer` should receive after this node's log position `seq`, at most
    /// `limit` changes: toward the parent, everything made in this node's subtree; toward a
    /// child, everything in the child's scope made outside it.
    ///
    /// - Returns: the last log position looked at (the peer's next cursor) and the org of
    ///   every node whose changes were sent.
    @discardableResult
    public func outgoing(
        to peer: Peer, after seq: Int64, limit: Int = .max, _ body: (FieldChange) throws -> Void
    ) throws -> (upTo: Int64, senders: [NodeID: String]) {
        try store.read { db in try outgoing(to: peer, after: seq, limit: limit, db: db, body) }
    }

    /// `outgoing(to:after:limit:_:)` in `db`: the directory and the log read in one
    /// transaction.
    func outgoing(
        to peer: Peer, after seq: Int64, limit: Int, db: Database, _ body: (FieldChange) throws -> Void
    ) throws -> (upTo: Int64, senders: [NodeID: String]) {
        let directory = try store.directories.directory(db)
        var page = OutgoingPage(limit: limit)
        func inScope(_ change: FieldChange) throws -> Bool { try reaches(change, peer, directory, db) }
        let upTo = try store.forEachChange(after: seq, db: db, line: peer.line, where: inScope) {
            try page.take($0, directory: directory, body)
        }
        return (upTo, page.senders)
    }

    /// The rules of what this node takes from peers and sends them (`ExchangeRules`).
    public var rules: ExchangeRules { ExchangeRules(org: org, tables: store.tables) }

    /// True when `change` goes to `peer` (`ExchangeRules.reaches`), its record read in `db`.
    func reaches(_ change: FieldChange, _ peer: Peer, _ directory: PeerDirectory, _ db: Database) throws -> Bool {
        try rules.reaches(change, peer, directory, SQLiteShareLookup(db: db))
    }

    /// A page of this node's log for an enrolled child, in one read: the child's scope after
    /// `seq`, at most `limit` changes, with the log's end. Refused while this node's own
    /// first sync is incomplete (see `requireBootstrapped`); records how far the child got.
    public func pullPage(
        for child: ChildNode, after seq: Int64, limit: Int, _ body: (FieldChange) throws -> Void
    ) throws -> (upTo: Int64, senders: [NodeID: String], last: Int64) {
        let page = try store.read { db in
            try requireBootstrapped(db: db)
            let (upTo, senders) = try outgoing(
                to: try relation(to: child.org, db: db), after: seq, limit: limit, db: db, body)
            return (upTo, senders, try store.lastSequence(db: db))
        }
        // Asking from `seq` says the child has applied everything up to it.
        try recordPulled(by: child, upTo: seq)
        return page
    }

    /// Applies a page of changes from `peer` in one transaction, after checking all of it, and
    /// records in the same transaction that the peer's log is applied up to `upTo`.
    public func accept(
        _ changes: [FieldChange], from peer: Peer, peerNode: String, nodes: [String: String], upTo: Int64,
        acknowledging ack: Int64? = nil, skewBound: Int64 = ChangeWriter.defaultSkewBound
    ) throws -> ApplyReport {
        try store.write { writer in
            try accept(
                Push(
                    changes: changes, peer: peer, peerNode: peerNode, nodes: nodes, upTo: upTo, ack: ack,
                    skewBound: skewBound), writer: &writer, directory: try writer.directory()
            ).report
        }
    }

    /// A page of a child's log, as `accept` takes it; several are applied together by
    /// `acceptAll`.
    public struct Push: Sendable {
        public var changes: [FieldChange]
        public var peer: Peer
        public var peerNode: String
        public var nodes: [String: String]
        public var upTo: Int64
        public var ack: Int64?
        public var skewBound: Int64
        /// The enrolled child whose last contact the push's transaction records (a hub's
        /// child, whose contact was stale); nil: none.
        public var contact: String?

        public init(
            changes: [FieldChange], peer: Peer, peerNode: String, nodes: [String: String], upTo: Int64,
            ack: Int64? = nil, skewBound: Int64 = ChangeWriter.defaultSkewBound
        ) {
            (self.changes, self.peer, self.peerNode, self.nodes, self.upTo, self.ack, self.skewBound) = (
                changes, peer, peerNode, nodes, upTo, ack, skewBound
            )
        }
    }

    /// `accept` in `writer`'s transaction, with the directory read in it: checked whole, then
    /// applied.
    ///
    /// - Returns: the report, and the push's senders (node → org), now in the directory's table.
    func accept(_ push: Push, writer: inout ChangeWriter, directory: PeerDirectory) throws -> (
        report: ApplyReport, senders: [NodeID: String]
    ) {
        let senders = try check(push, directory: directory)
        return (try write(push, senders: senders, writer: &writer, directory: directory), senders)
    }

    /// Checks a push whole before anything of it is written: every change in the peer's
    /// subtree (or shared from above, from the parent), every declared node in it.
    ///
    /// - Returns: the push's senders (node → org).
    func check(_ push: Push, directory: PeerDirectory) throws -> [NodeID: String] {
        let rules = rules
        for change in push.changes { try rules.checkScope(change, from: push.peer, directory: directory) }
        return try rules.senders(push.nodes, from: push.peer, directory: directory)
    }

    /// Writes a checked push from `senders`: its changes merged, its arrivals noted, the
    /// peer's cursor moved.
    func write(_ push: Push, senders: [NodeID: String], writer: inout ChangeWriter, directory: PeerDirectory)
        throws -> ApplyReport
    {
        let rules = rules
        let screened = rules.screenDecidedAbove(push.changes, nodes: senders, directory: directory)
        var report = try writer.apply(
            screened.allowed, nodes: senders, skewBound: push.peer.skewBound(push.skewBound), directory: directory)
        report.refused += screened.refused
        try noteArrivals(of: screened.allowed, from: push.peer, directory: directory, writer: &writer)
        try recordContact(
            with: push.peer, node: push.peerNode, received: push.upTo, acknowledged: push.ack, db: writer.db)
        return report
    }

    /// Moves the cursors of `peer` forward (never back: pages may be retried).
    func recordContact(with peer: Peer, node: String, received: Int64?, acknowledged: Int64?, db: Database) throws {
        // One prepared statement: it runs for every push a hub takes.
        try db.cachedStatement(
            sql: """
                INSERT INTO peer_cursor (org, node, received_seq, acked_seq, last_contact) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (org) DO UPDATE SET node = excluded.node,
                    received_seq = max(received_seq, excluded.received_seq),
                    acked_seq = max(acked_seq, excluded.acked_seq), last_contact = excluded.last_contact
                """
        ).execute(arguments: [
            peer.unit.code, node, received ?? 0, acknowledged ?? 0,
            ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds()),
        ])
    }
}

extension TierSyncNode {
    /// How far this node and the peer org `org` have synced.
    public func cursor(for org: String) throws -> PeerCursor {
        try store.read { db in try PeerCursor.find(db, org: org) }
    }
}

/// The `share` of records in a SQLite node, for `ExchangeRules`.
struct SQLiteShareLookup: ShareLookup {
    let db: Database

    func share(table: String, id: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT share FROM \(table) WHERE id = ?"), arguments: [id])
    }

    func attachedRecord(_ id: String) throws -> (table: String, id: String)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT record_kind, record_id FROM attachment WHERE id = ?"), arguments: [id]),
            let table = row[0] as String?, let record = row[1] as String?
        else { return nil }
        return (table, record)
    }
}
