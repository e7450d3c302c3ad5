import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// What a hub serves its children over protocol v1, whatever stores its records: a SQLite
/// node (`TierSyncNode`) or a PostgreSQL store that several processes share. The hub's
/// routes and group commit speak only this; scope and the decided-above rules are the
/// same `ExchangeRules` in both.
///
/// ```swift
/// let hub: any SyncHub = try TierSyncNode.open(path: "county.db")
/// let child = try hub.authenticate(credential: bearer)
/// let page = try hub.pullPage(for: child, after: 0, limit: 500) { change in send(change) }
/// ```
public protocol SyncHub: Sendable {
    /// The hub's own node id and org unit.
    var hubNode: NodeID { get }
    var hubOrg: OrgUnit { get }
    var wallClock: any WallClock { get }
    /// The most pushes one group commit takes (`GroupCommit`).
    var groupLimit: Int { get }

    /// Issues a one-time enrollment code for the child org `childOrg`, valid for `hours`.
    func issueEnrollment(for childOrg: String, hours: Double) throws -> TierSyncNode.IssuedCode
    /// Exchanges an enrollment code for a credential for node `node`; the code is used up.
    func acceptEnrollment(code: String, node: String) throws -> TierSyncNode.Enrolled
    /// The enrolled, not revoked child presenting `credential` (`NODE.SECRET`).
    func authenticate(credential: String) throws -> ChildNode
    /// The peer named by `code`: the hub's parent or one of its children.
    func peer(_ code: String) throws -> TierSyncNode.Peer
    /// The stored credential hash of every enrolled, not revoked child, by node id.
    func enrolledCredentials() throws -> [String: String]
    /// The children presenting `credentials`, each with what its org is to the hub, in one
    /// read; a credential unknown, wrong or revoked gives its refusal. Records no contact.
    func identify(_ credentials: [String]) throws -> [Result<IdentifiedChild, any Error>]
    /// Applies several pushes in one transaction, each refused alone when it must be (a push
    /// of a child revoked since `identify` read its credential included: read in the
    /// transaction), and records the last contact of the children their `contact` names.
    func acceptAll(_ pushes: [TierSyncNode.Push]) throws -> [Result<ApplyReport, any Error>]
    /// A page of the hub's log for `child`, in one read; records how far the child got.
    func pullPage(for child: ChildNode, after seq: Int64, limit: Int, _ body: (FieldChange) throws -> Void) throws
        -> (upTo: Int64, senders: [NodeID: String], last: Int64)
    /// A page of the records of a child's scope, in one read.
    func snapshot(
        for peer: TierSyncNode.Peer, after key: RecordSnapshot.Key?, limit: Int, _ body: (RecordSnapshot) throws -> Void
    ) throws -> TierSyncNode.SnapshotPage
    /// Where the hub's log stands for `child`.
    func status(for child: ChildNode) throws -> HubStatus

    // Files: the bytes of attachments, a chunk at a time (see `TierSyncNode+blobs.swift`).

    /// What the hub has of the blob `sha256`; nil when nothing.
    func blob(_ sha256: String) throws -> BlobInfo?
    /// The size the live attachments referring to `sha256` give; nil when none does.
    func attachedSize(of sha256: String) throws -> Int?
    /// Chunk `index` of the blob `sha256`; nil when it is not here.
    func blobChunk(_ sha256: String, index: Int) throws -> [UInt8]?
    /// The indices of the chunks of `sha256` that are here.
    func blobChunksHere(_ sha256: String) throws -> [Int]
    /// Stores a chunk a child sent, checked (`BlobStore.check`); the whole is hashed again
    /// once its last chunk is here.
    @discardableResult
    func receiveChunk(_ bytes: [UInt8], index: Int, chunkSHA256: String, of sha256: String, size: Int) throws
        -> BlobInfo
    /// Checks that `child` may send the bytes of `sha256` of `size` bytes.
    func checkUpload(sha256: String, size: Int, from child: OrgUnit, limits: TierSyncNode.FileLimits) throws
    /// Checks that `child` may fetch the bytes of `sha256`.
    func checkDownload(sha256: String, for child: OrgUnit) throws

    /// The operator presenting `credential` (`op-ID.SECRET`), not revoked, with the unit
    /// whose subtree they see; records when they were last seen.
    func authenticateOperator(credential: String) throws -> (account: OperatorAccount, scope: OrgUnit)
    /// What `/metrics` reads of the store when it is scraped.
    func gauges() throws -> HubGauges
    /// Runs `body` in one read transaction of the hub's tables, for short reads (an org, the
    /// units of a subtree, the log position).
    func readingRecords<T>(_ body: (any SQLReader) throws -> T) throws -> T
    /// Runs `body` in one read transaction for a long grouping (reports): on a SQLite node, on
    /// its second connection, so that syncs and short reads do not wait behind it.
    func readingReports<T>(_ body: (any SQLReader) throws -> T) throws -> T
    /// The log's newest position, read in the transaction of `reader` (`readingRecords`).
    func lastSequence(in reader: any SQLReader) throws -> Int64
    /// The enrolled child nodes and how each keeps up, as an operator reads them.
    func childHealth() throws -> [TierSyncNode.ChildHealth]
    /// The conflicts kept for a person's review that are still open.
    func openConflictViews() throws -> [ConflictView]

    // Browser sessions: the consolidated view's sign-in (see `TierSyncNode+sessions.swift`).

    /// Starts a session for `subject` (`operator:ID`, or on a SQLite node `user:LOGIN`);
    /// returns the cookie's id, of which only a hash is kept.
    func startSession(subject: String) throws -> String
    /// The live session of cookie id `id`, refreshed; unauthorized when unknown, ended, idle
    /// past `idleLimit` milliseconds, or its account was revoked.
    func session(_ id: String, idleLimit: Int64) throws -> TierSyncNode.Session
    func endSession(_ id: String) throws
}

extension SyncHub {
    /// The org unit `code`, which must lie in `scope` (the subtree an operator or a signed-in
    /// person sees).
    ///
    /// - Throws: `DomainError.notFound` for an unknown code, `.forbidden` outside `scope`.
    public func visibleOrg(_ code: String, to scope: OrgUnit) throws -> OrgUnit {
        guard let unit = try readingRecords({ try OrgUnit.find(code, in: $0) }) else {
            throw DomainError.notFound(kind: "org", id: code)
        }
        guard scope.contains(unit) else {
            throw DomainError.forbidden(
                "org \(code) \(unit.name) is outside \(scope.code) \(scope.name), the subtree this operator sees")
        }
        return unit
    }
}

/// The store's side of a hub's metrics, read when they are scraped.
public struct HubGauges: Sendable, Equatable {
    /// An enrolled child, not revoked, and when it was last in touch (nil: never).
    public struct Child: Sendable, Equatable {
        public var node: String
        public var org: String
        public var lastContact: String?
        public init(node: String, org: String, lastContact: String?) {
            (self.node, self.org, self.lastContact) = (node, org, lastContact)
        }
    }

    public var children: [Child]
    /// Conflicts waiting for a person (`conflicts list`).
    public var openConflicts: Int
    public var logEntries: Int
    /// The store's size on disk: a SQLite file and its WAL, or a PostgreSQL database.
    public var databaseBytes: Int

    public init(children: [Child], openConflicts: Int, logEntries: Int, databaseBytes: Int) {
        (self.children, self.openConflicts, self.logEntries, self.databaseBytes) = (
            children, openConflicts, logEntries, databaseBytes
        )
    }
}

/// Where a hub's log stands, as `GET /v1/status` tells a child.
public struct HubStatus: Sendable, Equatable {
    public var lastSequence: Int64
    /// The last position of the child's log the hub applied.
    public var receivedFromYou: Int64
    public var epoch: String
    public var epochSince: Int64

    public init(lastSequence: Int64, receivedFromYou: Int64, epoch: String, epochSince: Int64) {
        (self.lastSequence, self.receivedFromYou, self.epoch, self.epochSince) = (
            lastSequence, receivedFromYou, epoch, epochSince
        )
    }
}

extension TierSyncNode: SyncHub {
    /// A bound on a transaction's size and on how long its first push waits for the last.
    public var groupLimit: Int { 256 }
    public var hubNode: NodeID { store.node.id }
    public var hubOrg: OrgUnit { org }
    public var wallClock: any WallClock { store.wallClock }

    public func gauges() throws -> HubGauges {
        let open = try conflicts().count
        let (children, logEntries, pages, pageSize) = try store.read { db in
            (
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.id, c.org, coalesce(p.last_contact, c.last_contact) FROM child_node c
                        LEFT JOIN peer_cursor p ON p.org = c.org WHERE c.revoked_at IS NULL
                        """
                ).map { HubGauges.Child(node: $0[0], org: $0[1], lastContact: $0[2]) },
                try Int.fetchOne(db, sql: "SELECT coalesce(sum(n), 0) FROM change_log_row") ?? 0,
                try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0, try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            )
        }
        let wal =
            (try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
        return HubGauges(
            children: children, openConflicts: open, logEntries: logEntries, databaseBytes: pages * pageSize + wal)
    }

    public func readingRecords<T>(_ body: (any SQLReader) throws -> T) throws -> T {
        try store.read { db in try body(db) }
    }

    public func readingReports<T>(_ body: (any SQLReader) throws -> T) throws -> T {
        try store.readAside { db in try body(db) }
    }

    public func openConflictViews() throws -> [ConflictView] { try conflicts() }

    public func lastSequence(in reader: any SQLReader) throws -> Int64 {
        try reader.rows(NodeStore.lastSequenceSQL).first?[0] ?? 0
    }

    public func status(for child: ChildNode) throws -> HubStatus {
        try store.read { db in
            let epoch = try LogEpoch.current(db)
            return HubStatus(
                lastSequence: try store.lastSequence(db: db),
                receivedFromYou: try PeerCursor.find(db, org: child.org).receivedSeq, epoch: epoch.id,
                epochSince: epoch.sinceSeq)
        }
    }
}
