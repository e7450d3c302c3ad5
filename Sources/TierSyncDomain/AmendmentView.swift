import TierSyncCore

/// A pending amendment as both sides list it: an edit made below an approval before the
/// approval reached it, the value it proposes beside the approved one, and, once the
/// approving level decided, the outcome and its reason.
public struct AmendmentView: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case pending, accepted, rejected

        public var chinese: String {
            switch self {
            case .pending: "待审核"
            case .accepted: "已采纳"
            case .rejected: "已驳回"
            }
        }
    }

    /// The id to accept or reject it by: the kept version's conflict id while pending; the
    /// decision record's id once decided.
    public let id: String
    public let status: Status
    /// The record kind (`report`, `plan`, `task`) and the record.
    public let kind: String
    public let record: String
    public let recordOrg: String
    public let field: String
    /// What the edit below proposes, and what the approved record shows.
    public let proposed: FieldValue
    public let approved: FieldValue
    /// The node that made the edit, its org when known, and when it was made.
    public let node: String
    public let nodeOrg: String?
    public let madeAt: String
    /// The org that approved the record, when it still stands, or that decided.
    public let approvedBy: String?
    /// Set once decided: why, who, when.
    public let reason: String?
    public let decider: String?
    public let decidedAt: String?
}
