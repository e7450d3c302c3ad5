import GRDB
import TierSyncCore

/// Which org each known node belongs to, and where each org sits in the hierarchy: what the
/// merge needs to rank versions by who made them, and what scope checks need. Read whole
/// once (the org table holds a province's units at most), so lookups need no query.
public struct PeerDirectory: Sendable {
    private var nodeOrgs: [NodeID: String] = [:]
    private var orgPaths: [String: String] = [:]

    /// A directory another backend read: each node's org, and each org's path.
    public init(nodeOrgs: [NodeID: String], orgPaths: [String: String]) {
        self.nodeOrgs = nodeOrgs
        self.orgPaths = orgPaths
    }

    public init(db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT id, org FROM peer_node UNION ALL SELECT id, org FROM node") {
            if let node = NodeID(row[0] as String) { nodeOrgs[node] = row[1] }
        }
        for row in try Row.fetchAll(db, sql: "SELECT code, path FROM org_unit") { orgPaths[row[0]] = row[1] as String }
    }

    /// The org of a node (this one or a peer); nil when unknown here.
    public func org(ofNode node: NodeID) -> String? { nodeOrgs[node] }

    /// The path of the org of the node that made a version; nil when unknown here.
    public func path(ofNode node: NodeID) -> String? {
        nodeOrgs[node].flatMap { orgPaths[$0] }
    }

    /// The path of an org from the root (`520000/520200/...`); nil when unknown here.
    public func path(ofOrg org: String) -> String? { orgPaths[org] }

    /// True when the org `code` is `root` or below it.
    public func org(_ code: String, isWithin root: OrgUnit) -> Bool {
        guard let path = orgPaths[code] else { return false }
        return OrgUnit.path(path, isWithin: root.path)
    }

    /// Remembers, in this copy only, the orgs of nodes another copy registered in the same
    /// transaction (a push applied before, in a group commit).
    public mutating func remember(_ nodes: [NodeID: String]) {
        nodeOrgs.merge(nodes) { $1 }
    }

    /// Remembers that `node` belongs to `org` (from a push, a bundle or an enrollment).
    ///
    /// - Returns: true when this is news, which the caller then stores.
    public mutating func learn(_ node: NodeID, org: String) -> Bool {
        guard nodeOrgs[node] != org else { return false }
        nodeOrgs[node] = org
        return true
    }

    /// Writes a node's org to `peer_node`.
    static func store(_ node: NodeID, org: String, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO peer_node (id, org) VALUES (?, ?)", arguments: [node.rawValue, org])
    }
}
