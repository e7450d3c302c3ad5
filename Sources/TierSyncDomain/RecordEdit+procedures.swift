import TierSyncCore
import TierSyncStore

/// The procedures between levels, on either store: filing a plan (备案) and the filing org's
/// verdict, a task's close-out request (申请销号) and its return (退回), and a directive's
/// read receipt. Each is a few field edits made with the edit rules, in one transaction.
///
/// ```swift
/// let plans = RecordEdit(kind: .plan, editor: county, scope: county, context: context) { try unit($0) }
/// let plan = try plans.recordVerdict(plan: id, accepted: true, note: "同意备案", approver: "钟山区", writer: &writer)
/// ```
extension RecordEdit {
    /// Files the plan `id` with `code`, an org above the plan's unit: the verdict goes back
    /// to pending until that org records one.
    public func file(plan id: String, with code: String, writer: inout some RecordWriting) throws -> StoredRecord {
        let plan = try editable(id, writer)
        let owner = try writableOrg(plan.org)
        guard let unit = try unit(code) else { throw DomainError.unknownOrg(code) }
        guard unit.contains(owner), unit.code != owner.code else {
            throw DomainError.invalidValue(
                field: "with", value: code,
                allowed: "an org above the plan's unit \(owner.code) \(owner.name) (the one that manages it)")
        }
        try update(
            plan,
            ["filed_with": .text(unit.code), "filed_on": .text(context.today), "filing_verdict": .text("pending")],
            writer: &writer)
        return try writer.fetch(table: kind.table, id: plan.id)!
    }

    /// Records the verdict of the editor's unit on a plan filed with it: `accepted` also
    /// approves (locks) it; `returned` lifts the unit's approval so that it can be revised.
    /// The verdict and the approval it brings are one write: both or neither.
    ///
    /// - Parameter approver: the name kept as the approver's (a person's, or the unit's).
    public func recordVerdict(
        plan id: String, accepted: Bool, note: String?, approver: String, writer: inout some RecordWriting
    ) throws -> StoredRecord {
        let plan = try live(id, writer)
        guard plan["filed_with"] == .text(editor.code) else {
            let filed = plan["filed_with"].textValue
            throw DomainError.procedure(
                "plan \(id) is "
                    + (filed.map { "filed with \($0), not with this node's unit \(editor.code)" } ?? "not filed")
                    + ": only the org it is filed with records a verdict",
                chinese: filed == nil ? "该预案尚未备案，不能审查。" : "该预案不是向本单位备案的，只有备案单位可以审查。")
        }
        _ = try writableOrg(plan.org)
        try update(
            plan,
            [
                "filing_verdict": .text(accepted ? "accepted" : "returned"),
                "filing_note": note.map(FieldValue.text) ?? .null,
            ], writer: &writer)
        let approval = Approval(plan)
        if accepted, approval == nil { return try approve(id: id, note: note, approver: approver, writer: &writer) }
        if !accepted, approval?.org == editor.code { return try unapprove(id: id, note: note, writer: &writer) }
        return try writer.fetch(table: kind.table, id: plan.id)!
    }

    /// Asks for the close-out of the task `id` (申请销号): its status becomes close-requested,
    /// with what was done in the note.
    public func requestCloseout(task id: String, note: String, writer: inout some RecordWriting) throws
        -> StoredRecord
    {
        let task = try live(id, writer)
        guard task["status"] == .text("open") else {
            throw DomainError.procedure(
                "task \(id) is \(task["status"].description), not open: only an open task asks for close-out",
                chinese: "只有进行中的任务可以申请销号。", forbidden: false)
        }
        return try set(id: id, values: ["status": "close-requested", "note": note], writer: &writer).0
    }

    /// Returns the close-out request of the task `id` (退回): the task is open again, with
    /// the reason in its note. Done by a unit above the task's.
    public func returnCloseout(task id: String, note: String, writer: inout some RecordWriting) throws -> StoredRecord {
        let task = try live(id, writer)
        guard task["status"] == .text("close-requested"), task.org != editor.code else {
            throw DomainError.procedure(
                "task \(id) has no close-out request for this level to return (status \(task["status"].description))",
                chinese: "该任务没有待本级审核的销号申请。", forbidden: false)
        }
        return try set(id: id, values: ["status": "open", "note": note], writer: &writer).0
    }

    /// Notes that the directive `id` was read at the editor's unit by `reader` (a person's
    /// name, or the unit's): a receipt that syncs up to the sender, written once per unit.
    public func markRead(
        directive id: String, reader: String, directory: PeerDirectory, writer: inout some RecordWriting
    ) throws -> StoredRecord {
        guard let recordID = RecordID(id), let directive = try writer.fetch(table: kind.table, id: recordID),
            !directive.deleted
        else { throw DomainError.notFound(kind: "directive", id: id) }
        try TierSyncNode.noteReceipt(
            table: kind.table, record: recordID, org: directive.org, event: "read", reader: reader, level: editor,
            now: context.now, directory: directory, in: context.reader, writer: &writer)
        return directive
    }

    /// Sets fields the procedure decides (not typed by a person), on top of what is kept.
    private func update(_ record: StoredRecord, _ fields: [String: FieldValue], writer: inout some RecordWriting)
        throws
    {
        try writer.update(
            table: kind.table, id: record.id, fields: fields, rewrite: [],
            settlement: "superseded by an edit made on top of it", onTopOfRecord: false)
    }
}
