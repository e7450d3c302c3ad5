import Foundation
import TierSyncCore
import TierSyncStore

/// A conflict as a person reviews it: the record and field, the value shown and the other
/// one, who made each and when, and, for history, how it was settled.
public struct ConflictView: Codable, Sendable {
    /// One side of a conflict.
    public struct Side: Codable, Sendable {
        public let value: FieldValue
        public let node: String
        /// The org of the node that made the edit, when known here.
        public let org: String?
        public let time: String
    }

    public let id: Int64
    /// `concurrent` (two edits of one field) or `deleted-while-edited`.
    public let kind: String
    public let table: String
    public let record: String
    public let recordOrg: String
    public let field: String
    /// What the node shows now (for a delete conflict: the record's deletion).
    public let current: Side
    /// The edit that is not shown.
    public let other: Side
    /// True when the field's policy asks a person to review it; otherwise the shown value
    /// was chosen by the policy and review is optional.
    public let needsReview: Bool
    public let detectedAt: String
    /// Set once settled: who ended it, when, and how.
    public let settled: Settlement?

    public struct Settlement: Codable, Sendable {
        public let node: String
        /// The org of the node whose edit settled it, when known here.
        public let org: String?
        public let time: String
        public let how: String
    }
}
