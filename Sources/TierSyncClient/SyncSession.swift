import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// One sync with the parent hub: push the node's changes page by page until the parent has
/// them all, then pull the parent's changes for this node's scope until there are none.
///
/// Every page is its own unit: a push is acknowledged only after the hub committed it, a
/// pulled page is applied in the same transaction that stores the new cursor, so a
/// connection cut at any byte loses nothing and repeats at most one page.
public struct SyncSession: Sendable {
    public let node: any SyncChild
    let client: ParentClient
    let link: ParentLink
    public var pageSize = 2_000
    /// Records per snapshot page: the hub's most, since a bootstrap runs on a link good
    /// enough to take it at all.
    public var snapshotPageSize = 5_000

    /// Where a sync is, for a progress display.
    public struct Progress: Sendable {
        public enum Phase: String, Sendable { case push, snapshot, pull, files }
        public var phase: Phase
        /// Field changes (records, for a snapshot; bytes, for files) moved so far in this phase.
        public var changes: Int
        /// How far through the parent's log the pull is (0...1), when known.
        public var fraction: Double?
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var pushed = 0
        public var pulled = 0
        /// Records copied whole from the parent's snapshot (a new node's bootstrap).
        public var copied = 0
        public var conflicts = 0
        public var refused: [String] = []
        /// Attachments' files sent whole to the parent, and fetched whole from it.
        public var filesSent = 0
        public var filesFetched = 0
        /// Bytes of files moved, both ways.
        public var fileBytes = 0
        /// Files that could not move, and why (a hub's limit, damaged on the way each time).
        public var fileProblems: [String] = []
        public init() {}

        var counts: TierSyncNode.SyncCounts {
            .init(pushed: pushed, pulled: pulled, copied: copied, conflicts: conflicts, refused: refused)
        }
    }

    public init(node: any SyncChild, transport: any SyncTransport = URLSessionTransport()) throws {
        guard let link = try node.parentLink(), let url = URL(string: link.url) else { throw ClientError.notJoined }
        self.node = node
        self.link = link
        self.client = ParentClient(baseURL: url, credential: link.credential, transport: transport)
    }

    /// Pushes, then pulls, until both are empty; records the outcome in the parent link.
    public func run(progress: (Progress) -> Void = { _ in }) async throws -> Summary {
        var summary = Summary()
        do {
            try await reconcile()
            try await push(into: &summary, progress: progress)
            try await pull(into: &summary, progress: progress)
            try await transferFiles(into: &summary, progress: progress)
            try node.recordSync(error: nil, counts: summary.counts)
        } catch {
            try? node.recordSync(error: "\(error)", counts: summary.counts)
            throw error
        }
        return summary
    }

    /// Sends and fetches the files of attachments, once the records referring to them moved.
    func transferFiles(into summary: inout Summary, progress: (Progress) -> Void) async throws {
        var outcome = BlobTransfer.Outcome()
        defer {
            summary.filesSent = outcome.sent
            summary.filesFetched = outcome.fetched
            summary.fileBytes = outcome.bytes
            summary.fileProblems = outcome.problems
        }
        try await BlobTransfer(node: node, client: client).run(into: &outcome) { bytes in
            progress(Progress(phase: .files, changes: bytes, fraction: nil))
        }
    }

    /// Compares checkpoints with the parent before anything moves (see `TierSyncNode.reconcile`).
    func reconcile() async throws {
        let sentAt = node.wallClock.nowMilliseconds()
        let status = try await client.status()
        try node.reconcile(with: status, sentAt: sentAt, receivedAt: node.wallClock.nowMilliseconds())
    }

    func push(into summary: inout Summary, progress: (Progress) -> Void) async throws {
        let parent = try node.peer(link.org)
        while true {
            let acked = try node.cursor(for: link.org).ackedSeq
            var changes: [WireChange] = []
            let (upTo, senders) = try node.outgoing(to: parent, after: acked, limit: pageSize) {
                changes.append(WireChange($0))
            }
            guard upTo > acked else { return }
            if !changes.isEmpty {
                let sentAt = node.wallClock.nowMilliseconds()
                let answer = try await client.push(
                    PushRequest(
                        changes: changes,
                        nodes: Dictionary(uniqueKeysWithValues: senders.map { ($0.key.rawValue, $0.value) }), upTo: upTo
                    ))
                if let hubTime = answer.hubTime {
                    try node.recordClockOffset(
                        hubTime: hubTime, sentAt: sentAt, receivedAt: node.wallClock.nowMilliseconds())
                }
                summary.pushed += answer.applied
                summary.conflicts += answer.conflicts
                summary.refused += answer.refused
                progress(Progress(phase: .push, changes: summary.pushed, fraction: nil))
            }
            try node.acknowledge(org: link.org, node: link.node, upTo: upTo)
        }
    }

    func pull(into summary: inout Summary, progress: (Progress) -> Void) async throws {
        let parent = try node.peer(link.org)
        // A node bootstraps from a snapshot once, before its first sync completes: later, its
        // children may have read its log, and copied records would never reach them.
        let cursor = try node.cursor(for: link.org)
        if cursor.snapshotPosition != nil || (cursor.receivedSeq == 0 && link.lastSync == nil) {
            try await bootstrap(from: parent, into: &summary, progress: progress)
        }
        let client = self.client
        let pageSize = self.pageSize
        let start = try node.cursor(for: link.org).receivedSeq
        var after = start
        // The next page is fetched while this one is applied; the cursor is still stored only
        // with the page it belongs to, so a failure anywhere repeats at most one page.
        var fetching = Task { try await client.pull(after: start, limit: pageSize) }
        defer { fetching.cancel() }
        while true {
            let page = try await fetching.value
            let more = page.more && page.next > after
            if more {
                let next = page.next
                fetching = Task { try await client.pull(after: next, limit: pageSize) }
            }
            let changes = try page.changes.map { try $0.change() }
            let report = try node.accept(changes, from: parent, peerNode: link.node, nodes: page.nodes, upTo: page.next)
            summary.pulled += report.applied
            summary.conflicts += report.conflicts
            summary.refused += report.refused.map(\.description)
            let fraction = page.last.map { $0 > 0 ? min(1, Double(page.next) / Double($0)) : 1 }
            progress(Progress(phase: .pull, changes: summary.pulled, fraction: fraction))
            guard more else { return }
            after = page.next
        }
    }

    /// Copies the parent's snapshot of this node's scope, page by page, resuming where an
    /// earlier attempt stopped; the pull then follows the parent's log from where it began.
    func bootstrap(from parent: TierSyncNode.Peer, into summary: inout Summary, progress: (Progress) -> Void)
        async throws
    {
        let client = self.client
        let pageSize = self.snapshotPageSize
        let start = try node.cursor(for: link.org).snapshotAfter
        var total: Int?
        // As in the pull, the next page is fetched while this one is copied.
        var fetching = Task { try await client.snapshot(after: start, limit: pageSize) }
        defer { fetching.cancel() }
        while true {
            let page = try await fetching.value
            if let next = page.next { fetching = Task { try await client.snapshot(after: next, limit: pageSize) } }
            let next = try page.next.map { text in
                guard let key = RecordSnapshot.Key(parsing: text) else {
                    throw ClientError.badResponse("v1/snapshot: next '\(text)' is not a record key")
                }
                return key
            }
            let later = try page.later.enumerated().map { index, wire in
                do { return try wire.change() } catch {
                    throw ClientError.badResponse("v1/snapshot: later change \(index + 1): \(error)")
                }
            }
            let report = try node.acceptSnapshot(
                page.records, from: parent, peerNode: link.node, nodes: page.nodes, position: page.position, next: next,
                later: later)
            summary.copied += report.records
            summary.pulled += report.applied
            summary.conflicts += report.conflicts
            summary.refused += report.refused.map(\.description)
            total = total ?? page.total
            let fraction = total.map { $0 > 0 ? min(1, Double(summary.copied) / Double($0)) : 1 }
            progress(Progress(phase: .snapshot, changes: summary.copied, fraction: fraction))
            guard next != nil else { return }
        }
    }
}
