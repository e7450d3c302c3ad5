import TierSyncCore
import TierSyncProtocol
import TierSyncStore

/// A node's side of the link with its parent hub, whatever stores its records: what a sync
/// session pushes from and pulls into. A SQLite node (`TierSyncNode`) and a PostgreSQL hub
/// (`PostgresHub`) both conform; the same `ExchangeRules` decide on both what goes up and
/// what is taken from above, and every page is one transaction on both.
///
/// ```swift
/// let child: any SyncChild = try PostgresHub.open(address: address)
/// let acked = try child.cursor(for: parentOrg).ackedSeq
/// let (upTo, senders) = try child.outgoing(to: try child.peer(parentOrg), after: acked, limit: 2_000) { send($0) }
/// ```
///
/// This is the counterpart of `SyncHub`, the side a hub serves its children from.
public protocol SyncChild: Sendable {
    /// This node's id and org unit.
    var childNode: NodeID { get }
    var childOrg: OrgUnit { get }
    var wallClock: any WallClock { get }

    /// This node's link to its parent, once joined.
    func parentLink() throws -> ParentLink?
    /// Records the parent hub at `url` (org `org`, node `node`) and the credential it gave.
    func link(to url: String, org: String, node: String, credential: String) throws
    /// The peer named by `code`: this node's parent or one of its children.
    func peer(_ code: String) throws -> TierSyncNode.Peer
    /// How far this node and the peer org `org` have synced.
    func cursor(for org: String) throws -> PeerCursor
    /// The newest position of this node's log.
    func lastSequence() throws -> Int64

    /// Streams what `peer` should receive after log position `seq`, at most `limit` changes.
    @discardableResult
    func outgoing(to peer: TierSyncNode.Peer, after seq: Int64, limit: Int, _ body: (FieldChange) throws -> Void)
        throws -> (upTo: Int64, senders: [NodeID: String])
    /// Records that the peer `org` confirmed this node's log up to `upTo`.
    func acknowledge(org: String, node: String, upTo: Int64) throws
    /// Compares this node's cursors with the parent's `GET /v1/status` answer and moves them
    /// back where the parent has less than they say; records the clock offset.
    @discardableResult
    func reconcile(with status: StatusResponse, sentAt: Int64, receivedAt: Int64) throws
        -> TierSyncNode.Reconciliation
    /// Records this node's clock offset from its parent, measured from a push's answer.
    func recordClockOffset(hubTime: Int64, sentAt: Int64, receivedAt: Int64) throws
    /// Applies a page of the parent's log in one transaction, with the cursor `upTo`.
    func accept(
        _ changes: [FieldChange], from peer: TierSyncNode.Peer, peerNode: String, nodes: [String: String],
        upTo: Int64
    ) throws -> ApplyReport
    /// Copies a page of the parent's snapshot in one transaction, with how far it got.
    func acceptSnapshot(
        _ records: [RecordSnapshot], from peer: TierSyncNode.Peer, peerNode: String, nodes: [String: String],
        position: Int64, next: RecordSnapshot.Key?, later: [FieldChange]
    ) throws -> ApplyReport
    /// Records the end of a sync with the parent: its time, or its error, and what it moved.
    func recordSync(error: String?, counts: TierSyncNode.SyncCounts) throws
    /// The latest sync attempts, newest first.
    func syncAttempts(limit: Int) throws -> [SyncAttempt]

    // Files: the bytes of attachments, a chunk at a time (see `TierSyncNode+blobs.swift`).

    /// The blobs to send the parent: whole here, attached in this subtree, not yet whole there.
    func blobsToSendUp() throws -> [BlobInfo]
    /// Records that the parent has the whole blob `sha256`.
    func markSentUp(_ sha256: String) throws
    /// Files attached here whose bytes are not all here yet.
    func blobsWanted() throws -> [(sha256: String, size: Int)]
    func blobChunk(_ sha256: String, index: Int) throws -> [UInt8]?
    func blobChunksHere(_ sha256: String) throws -> [Int]
    @discardableResult
    func receiveChunk(_ bytes: [UInt8], index: Int, chunkSHA256: String, of sha256: String, size: Int) throws
        -> BlobInfo

    /// Runs `body`, one sync with the parent, as the only sync of this node's store at the
    /// time. While another process sharing the store syncs it, waits for that to end when
    /// `wait` (a person's `tiersync sync`), or returns nil at once (a hub's loop: the other
    /// process's sync serves it too).
    func syncingAlone<T: Sendable>(wait: Bool, _ body: () async throws -> T) async throws -> T?
}

extension TierSyncNode: SyncChild {
    public var childNode: NodeID { store.node.id }
    public var childOrg: OrgUnit { org }

    public func lastSequence() throws -> Int64 { try store.lastSequence() }

    public func accept(
        _ changes: [FieldChange], from peer: Peer, peerNode: String, nodes: [String: String], upTo: Int64
    ) throws -> ApplyReport {
        try accept(changes, from: peer, peerNode: peerNode, nodes: nodes, upTo: upTo, acknowledging: nil)
    }

    public func acceptSnapshot(
        _ records: [RecordSnapshot], from peer: Peer, peerNode: String, nodes: [String: String], position: Int64,
        next: RecordSnapshot.Key?, later: [FieldChange]
    ) throws -> ApplyReport {
        try acceptSnapshot(
            records, from: peer, peerNode: peerNode, nodes: nodes, position: position, next: next, later: later,
            skewBound: ChangeWriter.defaultSkewBound)
    }

    /// A SQLite node's syncs need no claim: its file's writer lock keeps each page whole, and
    /// two syncs at once (a clerk's button and the hub's loop) only repeat pages.
    public func syncingAlone<T: Sendable>(wait: Bool, _ body: () async throws -> T) async throws -> T? {
        try await body()
    }
}
