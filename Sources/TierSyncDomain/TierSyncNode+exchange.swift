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
        func skewBound(_ bound: Int64) -> Int64 {
            if case .parent = self { return .max }
            return bound
        }

        public var unit: OrgUnit {
            switch self {
            case .parent(let unit), .child(let unit): unit
            }
        }
    }

    /// The peer named by `code`: this node's parent or one of its children.
    public func peer(_ code: String) throws -> Peer {
        try store.read { db in try relation(to: code, db: db) }
    }

    func relation(to code: String, db: Database) throws -> Peer {
        let unit = try orgUnit(code, db: db)
        if unit.code == org.parent { return .parent(unit) }
        if unit.parent == org.code { return .child(unit) }
        let children = try OrgUnit.filter(Column("parent") == org.code).fetchAll(db).map(\.code)
        throw DomainError.invalidValue(
            field: "peer", value: code,
            allowed:
                "this node's parent (\(org.parent ?? "none")) or one of its children (\(children.joined(separator: ", ")))"
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
        var senders: [NodeID: String] = [:]
        var sent = 0
        func inScope(_ change: FieldChange) throws -> Bool { try reaches(change, peer, directory, db) }
        // A child receives only records owned in its line: in its subtree, or shared from above.
        let line: String? = if case .child(let child) = peer { child.path } else { nil }
        let upTo = try store.forEachChange(after: seq, db: db, line: line, where: inScope) { change in
            guard sent < limit else { return false }
            senders[change.node] = directory.org(ofNode: change.node)
            sent += 1
            try body(change)
            return true
        }
        return (upTo, senders)
    }

    /// True when `change` goes to `peer`: toward the parent, what was made in this node's
    /// subtree; toward a child, what is in the child's scope and was made outside it.
    func reaches(_ change: FieldChange, _ peer: Peer, _ directory: PeerDirectory, _ db: Database) throws -> Bool {
        guard let nodeOrg = directory.org(ofNode: change.node) else { return false }
        switch peer {
        case .parent:
            return directory.org(nodeOrg, isWithin: org)
        case .child(let child):
            guard !directory.org(nodeOrg, isWithin: child) else { return false }
            return try directory.org(change.org, isWithin: child) || shares(change, with: child, directory, db)
        }
    }

    /// True when the org `code` is strictly above this node's: a record it owns reaches this
    /// node only because it was shared down.
    func isAbove(_ code: String, _ directory: PeerDirectory) -> Bool {
        guard let path = directory.path(ofOrg: code) else { return false }
        return org.path.hasPrefix(path + "/")
    }

    /// True when `change` is of a record owned above `child` and shared down to it (or is
    /// the record's `share` itself, so that a child learns a record is no longer shared).
    func shares(_ change: FieldChange, with child: OrgUnit, _ directory: PeerDirectory, _ db: Database) throws
        -> Bool
    {
        guard let owner = directory.path(ofOrg: change.org), child.path.hasPrefix(owner + "/") else { return false }
        if change.table == "attachment" {
            return try attachment(change.record.rawValue, ownedAt: owner, reaches: child, db: db)
        }
        guard store.tables[change.table]?.field(named: "share") != nil else { return false }
        if change.field == "share" { return true }
        let share = try String.fetchOne(
            db.cachedStatement(sql: "SELECT share FROM \(change.table) WHERE id = ?"),
            arguments: [change.record.rawValue])
        return OrgUnit.shared(ownerPath: owner, share: share, reaches: child.path)
    }

    /// True when the attachment `id`, of a record owned at `owner` above `child`, goes where
    /// its record goes: the record is shared down to `child`.
    func attachment(_ id: String, ownedAt owner: String, reaches child: OrgUnit, db: Database) throws -> Bool {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT record_kind, record_id FROM attachment WHERE id = ?"), arguments: [id]),
            let table = row[0] as String?, let record = row[1] as String?,
            store.tables[table]?.field(named: "share") != nil
        else { return false }
        let share = try String.fetchOne(db, sql: "SELECT share FROM \(table) WHERE id = ?", arguments: [record])
        return OrgUnit.shared(ownerPath: owner, share: share, reaches: child.path)
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

    /// Refuses a change `peer` may not send: a child writes only inside its subtree; a parent
    /// sends only what is in this node's.
    public func checkScope(_ change: FieldChange, from peer: Peer, directory: PeerDirectory) throws {
        let scope = peer.unit.parent == org.code ? peer.unit : org
        if case .parent = peer, isAbove(change.org, directory) { return }  // shared down from above
        guard directory.org(change.org, isWithin: scope) else {
            throw DomainError.forbidden(
                "\(change.table) \(change.record) belongs to org \(change.org), outside \(scope.code) \(scope.name)'s subtree; nothing of this batch was applied"
            )
        }
    }

    /// The senders (node → org) a peer declares, after checking that a child's nodes belong
    /// to its subtree.
    public func senders(_ nodes: [String: String], from peer: Peer, directory: PeerDirectory) throws -> [NodeID: String]
    {
        var senders: [NodeID: String] = [:]
        for (id, nodeOrg) in nodes {
            guard let node = NodeID(id) else {
                throw DomainError.invalidValue(field: "node", value: id, allowed: "a node id")
            }
            if case .child(let child) = peer, !directory.org(nodeOrg, isWithin: child) {
                throw DomainError.forbidden(
                    "node \(id) of org \(nodeOrg) is outside \(child.code)'s subtree; nothing was applied")
            }
            senders[node] = nodeOrg
        }
        return senders
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

        public init(
            changes: [FieldChange], peer: Peer, peerNode: String, nodes: [String: String], upTo: Int64,
            ack: Int64? = nil, skewBound: Int64 = ChangeWriter.defaultSkewBound
        ) {
            (self.changes, self.peer, self.peerNode, self.nodes, self.upTo, self.ack, self.skewBound) = (
                changes, peer, peerNode, nodes, upTo, ack, skewBound
            )
        }
    }

    /// Applies several pushes in one transaction (group commit: one commit, one sync of the
    /// disk, for all of them), each in a savepoint of its own, so that a refused push is
    /// rolled back alone. A push is applied only if the whole transaction commits.
    ///
    /// - Returns: each push's report or refusal, in order.
    /// - Throws: what failed the transaction itself (a full disk, a locked file): then none
    ///   was applied.
    public func acceptAll(_ pushes: [Push]) throws -> [Result<ApplyReport, any Error>] {
        try store.write { writer in
            // One read of the directory for the whole group: each push adds its senders.
            var directory = try writer.directory()
            var results: [Result<ApplyReport, any Error>] = []
            for push in pushes {
                do {
                    var report = ApplyReport()
                    var senders: [NodeID: String] = [:]
                    try writer.db.inSavepoint {
                        (report, senders) = try accept(push, writer: &writer, directory: directory)
                        return .commit
                    }
                    directory.remember(senders)
                    results.append(.success(report))
                } catch let error as DatabaseError where error.resultCode != .SQLITE_CONSTRAINT {
                    throw error  // the transaction itself (full, locked, I/O): every push of it fails
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// `accept` in `writer`'s transaction, with the directory read in it: checked whole, then
    /// applied.
    ///
    /// - Returns: the report, and the push's senders (node → org), now in the directory's table.
    func accept(_ push: Push, writer: inout ChangeWriter, directory: PeerDirectory) throws -> (
        report: ApplyReport, senders: [NodeID: String]
    ) {
        for change in push.changes { try checkScope(change, from: push.peer, directory: directory) }
        let senders = try senders(push.nodes, from: push.peer, directory: directory)
        let screened = screenDecidedAbove(push.changes, nodes: senders, directory: directory)
        var report = try writer.apply(
            screened.allowed, nodes: senders, skewBound: push.peer.skewBound(push.skewBound), directory: directory)
        report.refused += screened.refused
        try noteArrivals(of: screened.allowed, from: push.peer, directory: directory, writer: &writer)
        try recordContact(
            with: push.peer, node: push.peerNode, received: push.upTo, acknowledged: push.ack, db: writer.db)
        return (report, senders)
    }

    /// Moves the cursors of `peer` forward (never back: pages may be retried).
    func recordContact(with peer: Peer, node: String, received: Int64?, acknowledged: Int64?, db: Database) throws {
        var cursor = try PeerCursor.find(db, org: peer.unit.code)
        cursor.node = node
        if let received { cursor.receivedSeq = max(cursor.receivedSeq, received) }
        if let acknowledged { cursor.ackedSeq = max(cursor.ackedSeq, acknowledged) }
        cursor.lastContact = ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
        try cursor.save(db)
    }
}

extension TierSyncNode {
    /// How far this node and the peer org `org` have synced.
    public func cursor(for org: String) throws -> PeerCursor {
        try store.read { db in try PeerCursor.find(db, org: org) }
    }
}
