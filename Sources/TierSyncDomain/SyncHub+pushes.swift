import TierSyncCore
import TierSyncStore

/// A child's push as it reaches a hub: its credential not yet checked.
///
/// The hub checks the credentials of a group of pushes in one read and applies the group in
/// one transaction (`SyncHub.acceptPushes`), so that a push costs the database its share of
/// its group's two visits, not a read to authenticate, a write of the child's last contact,
/// a read of its org and then its place in the group. (A revocation committed between the
/// read and the transaction is seen by the transaction, which refuses that child's push.)
public struct ChildPush: Sendable {
    /// The `Authorization: Bearer` credential, `NODE.SECRET`.
    public var credential: String
    public var changes: [FieldChange]
    /// The org of every node whose changes the push carries.
    public var nodes: [String: String]
    /// The child's log position the push reaches.
    public var upTo: Int64

    public init(credential: String, changes: [FieldChange], nodes: [String: String], upTo: Int64) {
        (self.credential, self.changes, self.nodes, self.upTo) = (credential, changes, nodes, upTo)
    }
}

/// A child's push, applied: who sent it and what became of its changes.
public struct AcceptedPush: Sendable {
    public let child: ChildNode
    public let report: ApplyReport
}

/// A child presenting a valid credential, and what its org is to the hub.
public struct IdentifiedChild: Sendable {
    public let child: ChildNode
    public let peer: TierSyncNode.Peer

    public init(child: ChildNode, peer: TierSyncNode.Peer) { (self.child, self.peer) = (child, peer) }
}

extension SyncHub {
    /// Authenticates and applies children's pushes together: their credentials in one read
    /// (`identify`), then the pushes of those who presented a valid one in one transaction
    /// (`acceptAll`), which also records their last contact when it is stale.
    ///
    /// ```swift
    /// let outcomes = try hub.acceptPushes(waiting)   // one result per push, in order
    /// ```
    ///
    /// - Returns: each push's sender and report, or its refusal (a wrong credential
    ///   included), in order.
    /// - Throws: what failed the read or the transaction itself: then none was applied.
    public func acceptPushes(_ pushes: [ChildPush]) throws -> [Result<AcceptedPush, any Error>] {
        let identified = try identify(pushes.map(\.credential))
        var admitted: [(index: Int, child: ChildNode, push: TierSyncNode.Push)] = []
        let now = wallClock.nowMilliseconds()
        for (index, (push, identity)) in zip(pushes, identified).enumerated() {
            guard case .success(let sender) = identity else { continue }
            var accepted = TierSyncNode.Push(
                changes: push.changes, peer: sender.peer, peerNode: sender.child.id, nodes: push.nodes, upTo: push.upTo)
            if TierSyncNode.isStale(sender.child.lastContact, now: now) { accepted.contact = sender.child.id }
            admitted.append((index, sender.child, accepted))
        }
        var outcomes: [Result<AcceptedPush, any Error>] = identified.map { identity in
            identity.map { AcceptedPush(child: $0.child, report: ApplyReport()) }
        }
        let reports = try admitted.isEmpty ? [] : acceptAll(admitted.map(\.push))
        precondition(reports.count == admitted.count, "acceptAll answers each push it is given")
        for (entry, report) in zip(admitted, reports) {
            outcomes[entry.index] = report.map { AcceptedPush(child: entry.child, report: $0) }
        }
        return outcomes
    }
}
