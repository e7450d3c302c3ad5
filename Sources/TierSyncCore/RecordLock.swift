/// An upper level's approval of a record, as the merge sees it: the lock that keeps edits
/// from below out of the shown value. Pure: no I/O.
///
/// An approval is a version of the record's lock field (`approved_by`, say) made on top of
/// everything the approving node had seen of the record. An edit by a node below the
/// approving org that the approval was not made on top of was made before the lock reached
/// that node: it is a **pending amendment**. It is kept (beside the shown value, like a
/// conflict's loser) but never shown while the lock stands, whatever the policy rank, until
/// the approving level accepts it (an edit on top of it) or rejects it (an edit on top of
/// it that keeps the approved value). An edit from below made on top of the approval is an
/// amendment too: its maker may have seen the approval withdrawn in a write that has not
/// arrived (one that a newer approval superseded is never forwarded), or ignored the lock,
/// which a node refuses before writing. Either way the approved value stays shown and the edit
/// waits for the approving level, on every node, whichever approval it is ranked under.
///
/// ```swift
/// let lock = RecordLock(version: approval.version, approverPath: "520000/520200/520201")
/// lock.isAmendment(townshipEdit, originPath: "520000/520200/520201/520201101")  // true
/// lock.rank(townshipEdit, originPath: ..., policyRank: 1)  // far below any approved version
/// ```
public struct RecordLock: Hashable, Sendable {
    /// The approval's version: what the approving node had seen of the record.
    public var version: FieldVersion
    /// The org path of the approving unit; nil when this node does not know it (then every
    /// other node counts as below it).
    public var approverPath: String?

    public init(version: FieldVersion, approverPath: String?) {
        self.version = version
        self.approverPath = approverPath
    }

    /// How far below every approved version an amendment ranks.
    static let amendmentPenalty = 1 << 40

    /// True when a node of the org at `originPath` is below the approving unit: neither that
    /// unit nor one of its ancestors. A node this one does not know is below.
    public func isBelowApprover(originPath: String?) -> Bool {
        guard let originPath else { return true }
        guard let approverPath else { return true }
        return !(approverPath == originPath || approverPath.hasPrefix(originPath + "/"))
    }

    /// True when `version` is a pending amendment: made below the approver, without the
    /// approval having seen it.
    public func isAmendment(_ version: FieldVersion, originPath: String?) -> Bool {
        isBelowApprover(originPath: originPath) && !version.versionVector.isCovered(by: self.version.versionVector)
    }

    /// The merge rank of `version` under this lock: its policy rank, far lowered for an
    /// amendment, so that an approved version is always shown before one.
    public func rank(_ version: FieldVersion, originPath: String?, policyRank: Int) -> Int {
        isAmendment(version, originPath: originPath) ? policyRank - Self.amendmentPenalty : policyRank
    }
}
