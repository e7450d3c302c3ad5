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

    /// The version of an edit that `node` makes on top of this one at `hlc`.
    public func successor(hlc: HLCTimestamp, node: NodeID) -> FieldVersion {
        FieldVersion(hlc: hlc, node: node, versionVector: versionVector.incremented(for: node))
    }

    /// The version of the first edit of a field.
    public static func first(hlc: HLCTimestamp, node: NodeID) -> FieldVersion {
        FieldVersion(hlc: hlc, node: node, versionVector: VersionVector().incremented(for: node))
    }
}
