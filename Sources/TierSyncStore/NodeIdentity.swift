import GRDB
import TierSyncCore

/// This database's node: the one row of the `node` table.
public struct NodeIdentity: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "node"

    public var id: NodeID
    /// The org unit this node belongs to; its subtree is what the node may write.
    public var org: String
    /// When `tiersync init` made the node, ISO 8601 UTC.
    public var createdAt: String
    /// The greatest hybrid-logical-clock stamp observed from other nodes (raw form); local
    /// stamps are read back from the change log.
    public var clock: Int64

    enum CodingKeys: String, CodingKey {
        case id, org, createdAt = "created_at", clock
    }

    public init(id: NodeID, org: String, createdAt: String, clock: Int64 = 0) {
        self.id = id
        self.org = org
        self.createdAt = createdAt
        self.clock = clock
    }
}
