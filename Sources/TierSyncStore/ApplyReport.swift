import TierSyncCore

/// What applying a batch of remote changes did: counts, and each refused change with why.
public struct ApplyReport: Sendable, Equatable, Codable {
    /// Changes that took effect: a new version kept, shown or as a conflict loser.
    public var applied = 0
    /// Changes seen before, or that an edit already here was made on top of: no effect.
    public var alreadyKnown = 0
    /// Applied changes that left their field in conflict.
    public var conflicts = 0
    /// Records copied whole from a snapshot (their fields are not counted in `applied`).
    public var records = 0
    /// Changes of tables or fields this release does not know (a later release's): kept as
    /// they came, forwarded, shown nowhere.
    public var opaque = 0
    public var refused: [Refusal] = []

    public init() {}

    /// A change that was not applied, and why; the rest of its batch still applies.
    public struct Refusal: Sendable, Equatable, Codable, CustomStringConvertible {
        public var table: String
        public var record: String
        public var field: String
        public var node: String
        public var reason: String

        public init(_ change: FieldChange, reason: String) {
            table = change.table
            record = change.record.rawValue
            field = change.field
            node = change.node.rawValue
            self.reason = reason
        }

        public init(table: String, record: String, field: String, node: String, reason: String) {
            self.table = table
            self.record = record
            self.field = field
            self.node = node
            self.reason = reason
        }

        public var description: String { "\(table) \(record) \(field) from node \(node): \(reason)" }
    }

    public mutating func add(_ other: ApplyReport) {
        applied += other.applied
        alreadyKnown += other.alreadyKnown
        conflicts += other.conflicts
        records += other.records
        opaque += other.opaque
        refused += other.refused
    }
}
