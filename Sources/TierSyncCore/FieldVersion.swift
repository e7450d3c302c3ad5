/// Which edit a field's current value came from: its stamp, origin node and version vector.
///
/// A store keeps one per field (beside the value) so that the next local edit can extend
/// the vector, and the merge can tell an edit made on top of this one from a concurrent one.
public struct FieldVersion: Hashable, Sendable {
    public var hlc: HLCTimestamp
    public var node: NodeID
    public var versionVector: VersionVector

    public init(hlc: HLCTimestamp, node: NodeID, versionVector: VersionVector) {
        self.hlc = hlc
        self.node = node
        self.versionVector = versionVector
    }

    /// The version of a local edit that `node` makes at `hlc` on top of every vector in
    /// `seen` (the field's kept versions; for a delete, the whole record's clock).
    ///
    /// The node's own entry counts one more than its writes to the record so far
    /// (`recordClock`), so that vectors of different fields of one record stay comparable:
    /// that is how a delete tells which edits it was made on top of.
    ///
    /// ```swift
    /// FieldVersion.localEdit(onTopOf: [shown.versionVector], recordClock: versions.recordClock,
    ///                        hlc: stamp, node: me)
    /// ```
    public static func localEdit(
        onTopOf seen: [VersionVector], recordClock: VersionVector, hlc: HLCTimestamp, node: NodeID
    ) -> FieldVersion {
        let base = seen.reduce(VersionVector()) { $0.merged(with: $1) }
        return FieldVersion(hlc: hlc, node: node, versionVector: base.setting(node, to: recordClock[node] + 1))
    }

    /// The version of the first edit of a field.
    public static func first(hlc: HLCTimestamp, node: NodeID) -> FieldVersion {
        FieldVersion(hlc: hlc, node: node, versionVector: VersionVector().incremented(for: node))
    }
}
