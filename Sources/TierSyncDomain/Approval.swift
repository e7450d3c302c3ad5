import TierSyncCore
import TierSyncStore

/// An upper level's approval of a record, as its fields hold it: which org approved it, who,
/// when, with what note. While it stands, the record is locked against edits from below
/// (`RecordLock`); an edit made below before the approval reached it waits as a pending
/// amendment.
///
/// ```swift
/// if let approval = Approval(record) { print("approved by \(approval.org) at \(approval.at)") }
/// ```
public struct Approval: Codable, Sendable, Equatable {
    /// The approving org's code.
    public let org: String
    /// The person who approved it, or the approving unit's name when done from the CLI.
    public let approver: String
    /// China time, `YYYY-MM-DD HH:MM`.
    public let at: String
    public let note: String?

    /// The field that holds the approving org while the record is approved: the lock.
    public static let lockField = "approved_by"
    /// Every field of an approval, written only by units above the record's owner.
    public static let fields = ["approved_by", "approved_at", "approver", "approved_note"]

    /// The approval a record holds; nil when it is not approved.
    public init?(_ record: StoredRecord) {
        guard case .text(let org) = record[Self.lockField] else { return nil }
        self.org = org
        self.approver = record["approver"].textValue ?? org
        self.at = record["approved_at"].textValue ?? ""
        self.note = record["approved_note"].textValue
    }

    /// The refusal of an edit from below of a record under this approval.
    func refusal(kind: RecordKind, id: String, approverName: String) -> DomainError {
        .procedure(
            "\(kind.name) \(id) is approved by \(org) \(approverName) (\(approver), \(at)) and locked against edits from below; ask them to unapprove it first",
            chinese:
                "该\(kind.displayName)已由\(approverName)（\(approver)）于 \(at) 审核通过，已锁定，不能修改。如需修改，请联系审核单位取消审核。")
    }
}
