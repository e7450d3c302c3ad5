import Foundation
import GRDB
import TierSyncCore

extension ChangeWriter {
    /// How far ahead of this node's clock a remote stamp may be: 24 hours.
    public static let defaultSkewBound: Int64 = 24 * 3_600_000

    /// Applies remote changes in this transaction: `RemoteMerge` over this node's SQLite file.
    ///
    /// A change that is malformed, or whose stamp is more than `skewBound` milliseconds ahead
    /// of this node's clock, is refused with a reason in the report; the rest still applies.
    ///
    /// - Parameters:
    ///   - nodes: the org of each node whose changes are in the batch, as the sender knows
    ///     them; the merge ranks versions by them.
    ///   - directory: the directory, when the caller already read it in this transaction.
    public mutating func apply(
        _ changes: some Sequence<FieldChange>, nodes: [NodeID: String] = [:], skewBound: Int64 = defaultSkewBound,
        directory known: PeerDirectory? = nil
    ) throws -> ApplyReport {
        var merge = remoteMerge()
        let report = try merge.apply(changes, nodes: nodes, skewBound: skewBound, directory: try known ?? directory())
        clock = merge.clock
        return report
    }

    /// The merge of remote changes over this transaction, with this writer's clock.
    func remoteMerge() -> RemoteMerge<SQLiteMergeStorage> {
        RemoteMerge(
            storage: SQLiteMergeStorage(db: db), node: node, tables: tables, policies: policies, clock: clock,
            wallClock: wallClock)
    }

    /// Ranks again the kept versions of a record after a local write changed its approval
    /// (`update` calls it).
    mutating func rerank(table name: String, id: RecordID) throws {
        guard let stored = try fetch(table: name, id: id) else { return }
        var state = RecordState(stored, table: try table(named: name))
        let merge = remoteMerge()
        try merge.rerank(&state, directory: directory())
        try state.flush(into: merge.storage)
    }

    /// Remembers the org of a node (an enrolled child, the parent).
    public func registerNode(_ peer: NodeID, org: String) throws {
        try PeerDirectory.store(peer, org: org, in: db)
    }
}
