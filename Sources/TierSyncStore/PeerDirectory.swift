import GRDB
import TierSyncCore

/// Which org each known node belongs to, and where each org sits in the hierarchy: what the
/// merge needs to rank versions by who made them. Loaded once per transaction, on demand.
struct PeerDirectory {
    private var nodeOrgs: [NodeID: String] = [:]
    private var orgPaths: [String: String?] = [:]
    private let db: Database

    init(db: Database) throws {
        self.db = db
        for row in try Row.fetchAll(db, sql: "SELECT id, org FROM peer_node UNION ALL SELECT id, org FROM node") {
            if let node = NodeID(row[0] as String) { nodeOrgs[node] = row[1] }
        }
    }

    /// The path of the org of the node that made a version; nil when unknown here.
    mutating func path(ofNode node: NodeID) throws -> String? {
        guard let org = nodeOrgs[node] else { return nil }
        return try path(ofOrg: org)
    }

    /// The path of an org from the root (`520000/520200/...`); nil when unknown here.
    mutating func path(ofOrg org: String) throws -> String? {
        if let cached = orgPaths[org] { return cached }
        let path = try String.fetchOne(
            db.cachedStatement(sql: "SELECT path FROM org_unit WHERE code = ?"), arguments: [org])
        orgPaths[org] = path
        return path
    }

    /// Remembers that `node` belongs to `org` (from a bundle or an enrollment).
    mutating func register(_ node: NodeID, org: String) throws {
        guard nodeOrgs[node] != org else { return }
        nodeOrgs[node] = org
        try db.execute(
            sql: "INSERT OR REPLACE INTO peer_node (id, org) VALUES (?, ?)", arguments: [node.rawValue, org])
    }
}
