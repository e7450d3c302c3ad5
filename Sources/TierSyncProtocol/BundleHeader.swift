import TierSyncCore

/// The first line of a bundle: who sent it, to whom, and what acknowledges what.
public struct BundleHeader: Codable, Sendable, Equatable {
    public static let format = "tiersync-bundle"
    public static let formatVersion = 1

    public var format: String = BundleHeader.format
    public var version: Int = BundleHeader.formatVersion
    /// The sending node and its org.
    public var fromNode: String
    public var fromOrg: String
    /// The org the bundle is for; any other node refuses it.
    public var toOrg: String
    public var createdAt: String
    /// The sender's log position this bundle covers: the receiver records it and sends it
    /// back as its acknowledgement.
    public var upTo: Int64
    /// The last position of the receiver's log that the sender has applied: the receiver
    /// need not send anything up to it again.
    public var ack: Int64
    /// The epoch of the sender's log (a new one after a restore) and where it began: the
    /// receiver compares it with the one it saw last, as a sync over HTTP does with
    /// `GET /v1/status`. Absent in bundles from before epochs.
    public var epoch: String?
    public var epochSince: Int64?
    /// Files the sender lacks that attachments it holds refer to (their SHA-256s): its peer's
    /// next bundle carries those in the sender's scope again. Absent in older bundles.
    public var wantedFiles: [String]?

    public init(
        fromNode: String, fromOrg: String, toOrg: String, createdAt: String, upTo: Int64, ack: Int64,
        epoch: String? = nil, epochSince: Int64? = nil, wantedFiles: [String]? = nil
    ) {
        self.fromNode = fromNode
        self.fromOrg = fromOrg
        self.toOrg = toOrg
        self.createdAt = createdAt
        self.upTo = upTo
        self.ack = ack
        self.epoch = epoch
        self.epochSince = epochSince
        self.wantedFiles = wantedFiles
    }
}

/// The last line of a bundle: how many changes it holds, the CRC-32 of every byte before
/// this line, and the org of each node whose changes it carries.
public struct BundleTrailer: Codable, Sendable, Equatable {
    public var count: Int
    public var crc32: UInt32
    public var nodes: [String: String]
}
