import GRDB

/// How far this node and one peer (its parent or a child, by org) have synced: one row of
/// `peer_cursor`.
public struct PeerCursor: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "peer_cursor"

    public var org: String
    public var node: String?
    /// The last sequence number of the peer's log applied here.
    public var receivedSeq: Int64
    /// The last sequence number of this node's log the peer has confirmed.
    public var ackedSeq: Int64
    public var lastContact: String?
    /// While a snapshot from this peer is under way: the peer's log position when it began.
    public var snapshotPosition: Int64?
    /// While a snapshot from this peer is under way: the last record applied (`table/id`).
    public var snapshotAfter: String?
    /// The epoch of the peer's log `receivedSeq` counts in (`LogEpoch`), once known.
    public var epoch: String?

    enum CodingKeys: String, CodingKey {
        case org, node, receivedSeq = "received_seq", ackedSeq = "acked_seq", lastContact = "last_contact"
        case snapshotPosition = "snapshot_position", snapshotAfter = "snapshot_after", epoch
    }

    public init(
        org: String, node: String? = nil, receivedSeq: Int64 = 0, ackedSeq: Int64 = 0, lastContact: String? = nil
    ) {
        self.org = org
        self.node = node
        self.receivedSeq = receivedSeq
        self.ackedSeq = ackedSeq
        self.lastContact = lastContact
    }

    /// The cursor for `org`, or a fresh one at zero.
    public static func find(_ db: Database, org: String) throws -> PeerCursor {
        try PeerCursor.fetchOne(db, key: org) ?? PeerCursor(org: org)
    }
}
