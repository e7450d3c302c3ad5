import TierSyncCore

/// The text of the version vectors of a run of log entries, rendered once per vector: the
/// changes of one write share one, so a log writer renders each only when it changes.
///
/// ```swift
/// var vectors = VectorText()
/// for change in changes { row.append(vectors.text(of: change.versionVector)) }
/// ```
public struct VectorText {
    private var last: VersionVector?
    private var text = ""

    public init() {}

    /// The canonical text of `vector`, rendered again only when it differs from the last one.
    public mutating func text(of vector: VersionVector) -> String {
        if last != vector {
            text = vector.description
            last = vector
        }
        return text
    }
}
