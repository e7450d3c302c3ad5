/// The current version of every field of one record, in a compact text form that the
/// store keeps in the record's own row.
///
/// Keeping versions in the row, rather than in a table of their own, makes a local write
/// one row write plus its log entries (see BENCHMARKS.md). One line per field, sorted:
/// `field hlc node vector`.
///
/// ```swift
/// var versions = FieldVersions()
/// versions["phone"] = .first(hlc: stamp, node: me)
/// FieldVersions(parsing: versions.encoded) == versions   // true
/// ```
public struct FieldVersions: Hashable, Sendable {
    public private(set) var byField: [String: FieldVersion]

    public init(_ byField: [String: FieldVersion] = [:]) { self.byField = byField }

    public subscript(field: String) -> FieldVersion? {
        get { byField[field] }
        set { byField[field] = newValue }
    }

    public var encoded: String {
        byField.keys.sorted().map { field in
            let version = byField[field]!
            return "\(field) \(version.hlc.rawValue) \(version.node.rawValue) \(version.versionVector)"
        }.joined(separator: "\n")
    }

    /// Parses `encoded`; nil when any line is malformed, so corruption is never half-read.
    public init?(parsing text: String) {
        var byField: [String: FieldVersion] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 4, let raw = Int64(parts[1]), let node = NodeID(parts[2]),
                let vector = VersionVector(parsing: parts[3])
            else { return nil }
            byField[String(parts[0])] = FieldVersion(
                hlc: HLCTimestamp(rawValue: raw), node: node, versionVector: vector)
        }
        self.byField = byField
    }
}
