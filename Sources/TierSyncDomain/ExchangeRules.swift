import TierSyncCore
import TierSyncStore

/// What a node may take from a peer and send to one, whatever stores its records: scope, the
/// senders a peer declares, and the fields only a unit above decides. Pure: the records a
/// rule must look at (a record's `share`) come from the caller's storage through
/// `ShareLookup`, so the SQLite node and the PostgreSQL hub apply the same rules.
///
/// ```swift
/// let rules = ExchangeRules(org: hub.org, tables: tables)
/// for change in push.changes { try rules.checkScope(change, from: peer, directory: directory) }
/// ```
public struct ExchangeRules: Sendable {
    /// The node's own org unit.
    public let org: OrgUnit
    public let tables: [String: SyncedTable]

    public init(org: OrgUnit, tables: [String: SyncedTable]) {
        (self.org, self.tables) = (org, tables)
    }

    /// True when the org `code` is strictly above this node's: a record it owns reaches this
    /// node only because it was shared down.
    public func isAbove(_ code: String, _ directory: PeerDirectory) -> Bool {
        guard let path = directory.path(ofOrg: code) else { return false }
        return org.path.hasPrefix(path + "/")
    }

    /// Refuses a change `peer` may not send: a child writes only inside its subtree; a parent
    /// sends only what is in this node's.
    public func checkScope(_ change: FieldChange, from peer: TierSyncNode.Peer, directory: PeerDirectory) throws {
        let scope = peer.unit.parent == org.code ? peer.unit : org
        if case .parent = peer, isAbove(change.org, directory) { return }  // shared down from above
        guard directory.org(change.org, isWithin: scope) else {
            throw DomainError.forbidden(
                "\(change.table) \(change.record) belongs to org \(change.org), outside \(scope.code) \(scope.name)'s subtree; nothing of this batch was applied"
            )
        }
    }

    /// Checks that every record of a snapshot page from the parent is owned in this node's
    /// subtree or above it.
    public func checkSnapshot(_ records: [RecordSnapshot], directory: PeerDirectory) throws {
        for record in records where !directory.org(record.org, isWithin: org) && !isAbove(record.org, directory) {
            throw DomainError.forbidden(
                "\(record.table) \(record.id) belongs to org \(record.org), outside \(org.code) \(org.name)'s subtree; nothing of this page was applied"
            )
        }
    }

    /// The senders (node → org) a peer declares, after checking that a child's nodes belong
    /// to its subtree.
    public func senders(_ nodes: [String: String], from peer: TierSyncNode.Peer, directory: PeerDirectory) throws
        -> [NodeID: String]
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

    /// True when `change` goes to `peer`: toward the parent, what was made in this node's
    /// subtree; toward a child, what is in the child's scope and was made outside it.
    public func reaches(
        _ change: FieldChange, _ peer: TierSyncNode.Peer, _ directory: PeerDirectory, _ lookup: some ShareLookup
    ) throws -> Bool {
        guard let nodeOrg = directory.org(ofNode: change.node) else { return false }
        switch peer {
        case .parent:
            return directory.org(nodeOrg, isWithin: org)
        case .child(let child):
            guard !directory.org(nodeOrg, isWithin: child) else { return false }
            return try directory.org(change.org, isWithin: child) || shares(change, with: child, directory, lookup)
        }
    }

    /// True when `change` is of a record owned above `child` and shared down to it (or is
    /// the record's `share` itself, so that a child learns a record is no longer shared).
    func shares(_ change: FieldChange, with child: OrgUnit, _ directory: PeerDirectory, _ lookup: some ShareLookup)
        throws -> Bool
    {
        guard let owner = directory.path(ofOrg: change.org), child.path.hasPrefix(owner + "/") else { return false }
        if change.table == "attachment" {
            return try attachment(change.record.rawValue, ownedAt: owner, reaches: child, lookup)
        }
        guard tables[change.table]?.field(named: "share") != nil else { return false }
        if change.field == "share" { return true }
        return OrgUnit.shared(
            ownerPath: owner, share: try lookup.share(table: change.table, id: change.record.rawValue),
            reaches: child.path)
    }

    /// True when the attachment `id`, of a record owned at `owner` above `child`, goes where
    /// its record goes: the record is shared down to `child`.
    public func attachment(_ id: String, ownedAt owner: String, reaches child: OrgUnit, _ lookup: some ShareLookup)
        throws -> Bool
    {
        guard let (table, record) = try lookup.attachedRecord(id), tables[table]?.field(named: "share") != nil else {
            return false
        }
        return OrgUnit.shared(ownerPath: owner, share: try lookup.share(table: table, id: record), reaches: child.path)
    }

    /// Checks that `child` may fetch the bytes of the blob `sha256`, given the live
    /// attachments that refer to them (id and owner's org path): one is in its subtree, or
    /// its record is shared down to it.
    ///
    /// - Throws: `DomainError` not found otherwise, the same as for bytes that are nowhere.
    public func checkDownload(
        sha256: String, attachments: [(id: String, ownerPath: String)], for child: OrgUnit, _ lookup: some ShareLookup
    ) throws {
        for (id, owner) in attachments {
            if OrgUnit.path(owner, isWithin: child.path) { return }
            if child.path.hasPrefix(owner + "/"), try attachment(id, ownedAt: owner, reaches: child, lookup) { return }
        }
        throw DomainError.notFound(kind: "attachment with file", id: sha256)
    }

    /// Why a peer may not send `change`: it writes a field that only a unit above the
    /// record's owner decides (an approval, a filing verdict, a decision on an amendment),
    /// and the node that made it is not above the owner. Nil when it may.
    public func decidedAboveRefusal(_ change: FieldChange, nodeOrg: String?, directory: PeerDirectory) -> String? {
        // A receipt says what happened at one level: only a node of that level writes it.
        if change.table == TierSyncNode.receiptTable, change.field == "level", change.value != .text(nodeOrg ?? "") {
            return
                "a receipt of level \(change.value) is written by a node of that level, not by node \(change.node) of org \(nodeOrg ?? "unknown")"
        }
        let decidedAbove: Bool
        switch change.table {
        case TierSyncNode.amendmentReviewTable: decidedAbove = true
        case RecordKind.plan.table where change.field == "filing_verdict":
            decidedAbove = change.value != .null && change.value != .text("pending")
        case RecordKind.plan.table where change.field == "filing_note": decidedAbove = true
        default:
            decidedAbove =
                Approval.fields.contains(change.field) && RecordKind.forTable(change.table)?.isApprovable == true
        }
        guard decidedAbove else { return nil }
        if let nodeOrg, let nodePath = directory.path(ofOrg: nodeOrg), let owner = directory.path(ofOrg: change.org),
            owner.hasPrefix(nodePath + "/")
        {
            return nil
        }
        return
            "\(change.field) of \(change.table) is decided by a unit above the record's org \(change.org); node \(change.node) of org \(nodeOrg ?? "unknown") is not above it"
    }

    /// `changes` less those that write decided-above fields without being made above, which
    /// are reported refused (the rest of the batch still applies, like any refused change).
    public func screenDecidedAbove(_ changes: [FieldChange], nodes: [NodeID: String], directory: PeerDirectory)
        -> (allowed: [FieldChange], refused: [ApplyReport.Refusal])
    {
        var allowed: [FieldChange] = []
        var refused: [ApplyReport.Refusal] = []
        allowed.reserveCapacity(changes.count)
        for change in changes {
            let nodeOrg = nodes[change.node] ?? directory.org(ofNode: change.node)
            if let reason = decidedAboveRefusal(change, nodeOrg: nodeOrg, directory: directory) {
                refused.append(.init(change, reason: reason))
            } else {
                allowed.append(change)
            }
        }
        return (allowed, refused)
    }
}

/// What the exchange rules read of the records a storage holds: whether a record is shared,
/// and which record an attachment belongs to.
public protocol ShareLookup {
    /// The `share` of record `id` of `table` (nil when it has none or is not here).
    func share(table: String, id: String) throws -> String?
    /// The table and id of the record attachment `id` belongs to, when it is here.
    func attachedRecord(_ id: String) throws -> (table: String, id: String)?
}
