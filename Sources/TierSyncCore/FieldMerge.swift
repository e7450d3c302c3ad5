/// The merge of one field, pure: which versions a node keeps and which value it shows.
///
/// A node keeps the versions of a field that no other known version dominates (usually
/// one). An incoming version that a kept one dominates or equals is old news; one that
/// dominates kept versions replaces them; one concurrent with a kept version is kept beside
/// it, and the field is in conflict. The kept set is the set of maximal versions of all
/// versions seen, so it does not depend on the order or number of times they arrive, and
/// every node that saw the same versions shows the same value.
///
/// ```swift
/// let outcome = FieldMerge.merge(kept: [current], incoming: remote, rank: { _ in 0 })
/// if outcome.isKnown { /* already seen: nothing to do */ }
/// outcome.shown      // the value to show: greatest by (rank, hlc, node)
/// outcome.superseded // kept versions the incoming one was made on top of
/// ```
public enum FieldMerge {
    public struct Outcome: Hashable, Sendable {
        /// True when the incoming version was already known or is dominated: no effect.
        public var isKnown: Bool
        /// The versions kept after the merge, the shown one first.
        public var kept: [VersionedValue]
        /// Previously kept versions that the incoming one dominates.
        public var superseded: [VersionedValue]

        public var shown: VersionedValue { kept[0] }
        /// The kept versions that are not shown: the conflict's losers.
        public var losers: ArraySlice<VersionedValue> { kept.dropFirst() }
        public var isConflict: Bool { kept.count > 1 }
    }

    /// Merges `incoming` into the `kept` versions of a field (which may be empty).
    ///
    /// - Parameter rank: the policy rank of a version; greater wins among concurrent ones.
    public static func merge(
        kept: [VersionedValue], incoming: VersionedValue, rank: (FieldVersion) -> Int
    ) -> Outcome {
        if kept.isEmpty { return Outcome(isKnown: false, kept: [incoming], superseded: []) }  // a field's first version
        if kept.contains(where: { incoming.version.versionVector.isCovered(by: $0.version.versionVector) }) {
            return Outcome(isKnown: true, kept: ordered(kept, rank: rank), superseded: [])
        }
        var remaining: [VersionedValue] = []
        var superseded: [VersionedValue] = []
        for candidate in kept {
            if candidate.version.versionVector.compare(to: incoming.version.versionVector) == .dominatedBy {
                superseded.append(candidate)
            } else {
                remaining.append(candidate)
            }
        }
        return Outcome(isKnown: false, kept: ordered(remaining + [incoming], rank: rank), superseded: superseded)
    }

    /// `versions` with the one to show first, the rest in a stable order: descending by
    /// (rank, hlc, node).
    public static func ordered(_ versions: [VersionedValue], rank: (FieldVersion) -> Int) -> [VersionedValue] {
        guard versions.count > 1 else { return versions }  // the common case: nothing to rank
        return versions.map { ($0, rank($0.version)) }
            .sorted { a, b in
                (a.1, a.0.version.hlc, a.0.version.node) > (b.1, b.0.version.hlc, b.0.version.node)
            }
            .map(\.0)
    }
}
