import GRDB
import TierSyncCore
import TierSyncStore

/// Approval by level: an upper level approves a unit's submission, which locks it against
/// edits from below; unapproving opens it again. The lock itself is in the merge
/// (`RecordLock`), so it holds on every node, whatever order edits arrive in.
extension TierSyncNode {
    /// Approves a record of a unit below this node's: writes the approval on top of
    /// everything this node has seen of the record, then restates the approved content (so a
    /// node below that edited it meanwhile gets the approved values back beside its edit,
    /// which waits as a pending amendment). A task's approval is its close-out (销号).
    ///
    /// - Throws: `DomainError` when the kind is not approvable, the record is this node's
    ///   own unit's or outside its subtree, already approved, or the approval rule wants
    ///   every child unit approved first (the refusal names those that are not).
    @discardableResult
    public func approve(_ kind: RecordKind, id: String, note: String? = nil) throws -> StoredRecord {
        try requireApprovable(kind)
        return try write { writer in try approve(kind, id: id, note: note, writer: &writer) }
    }

    /// `approve` in `writer`'s transaction (a filing verdict approves in its own).
    func approve(_ kind: RecordKind, id: String, note: String?, writer: inout ChangeWriter) throws -> StoredRecord {
        try edit(kind, writer.db).approve(id: id, note: note, approver: author?.name ?? org.name, writer: &writer)
    }

    /// Withdraws an approval this node's unit (or a unit below it) made: the record opens for
    /// edits from below again, and a pending amendment is ranked by the kind's policy again
    /// (it stays listed as a conflict until someone settles it). A task's close-out reopens.
    @discardableResult
    public func unapprove(_ kind: RecordKind, id: String, note: String? = nil) throws -> StoredRecord {
        try requireApprovable(kind)
        return try write { writer in try unapprove(kind, id: id, note: note, writer: &writer) }
    }

    /// `unapprove` in `writer`'s transaction.
    func unapprove(_ kind: RecordKind, id: String, note: String?, writer: inout ChangeWriter) throws -> StoredRecord {
        try edit(kind, writer.db).unapprove(id: id, note: note, writer: &writer)
    }

    /// Refuses a write from this node to a record that a unit above it approved.
    func requireUnlocked(_ kind: RecordKind, _ record: StoredRecord, db: Database) throws {
        try Self.requireUnlocked(kind, record, editor: org) { try OrgUnit.fetchOne(db, key: $0) }
    }

    /// Refuses a write from the node of unit `editor`, on any store, to a record that a unit
    /// above it approved; `unit` finds the approving unit by its code.
    public static func requireUnlocked(
        _ kind: RecordKind, _ record: StoredRecord, editor: OrgUnit, unit: (String) throws -> OrgUnit?
    ) throws {
        guard let approval = Approval(record) else { return }
        let approver = try unit(approval.org)
        if let approver, editor.contains(approver) { return }  // the approver corrects what it approved
        throw approval.refusal(kind: kind, id: record.id.rawValue, approverName: approver?.name ?? approval.org)
    }

    private func requireApprovable(_ kind: RecordKind) throws { try RecordEdit.requireApprovable(kind) }

    /// Whether this node approves `kind` only after every child unit's matching records are
    /// approved (DHIS2's approval levels); off unless set.
    public func approvalRule(_ kind: RecordKind) throws -> Bool {
        try store.read { db in try RecordEdit.childrenFirst(kind, db) }
    }

    /// Sets this node's approval rule for `kind`.
    public func setApprovalRule(_ kind: RecordKind, childrenFirst: Bool) throws {
        try requireApprovable(kind)
        try store.write { writer in
            try writer.db.execute(
                sql: "INSERT OR REPLACE INTO approval_rule (kind, children_first) VALUES (?, ?)",
                arguments: [kind.name, childrenFirst])
        }
    }
}
