import TierSyncCore
import TierSyncStore

/// Approval by level, on either store: an upper level approves a unit's submission, which
/// locks it against edits from below; unapproving opens it again. The lock itself is in the
/// merge (`RecordLock`), so it holds on every node, whatever order edits arrive in.
extension RecordEdit {
    /// Approves a record of a unit below the editor's: writes the approval on top of
    /// everything the editor has seen of the record, then restates the approved content (so
    /// a node below that edited it meanwhile gets the approved values back beside its edit,
    /// which waits as a pending amendment). A task's approval is its close-out (销号).
    ///
    /// - Parameter approver: the name kept as the approver's (a person's, or the unit's).
    /// - Throws: `DomainError` when the kind is not approvable, the record is the editor's
    ///   own unit's or outside its subtree, already approved, or the approval rule wants
    ///   every child unit approved first (the refusal names those that are not).
    public func approve(id: String, note: String?, approver: String, writer: inout some RecordWriting) throws
        -> StoredRecord
    {
        try Self.requireApprovable(kind)
        let record = try live(id, writer)
        let owner = try writableOrg(record.org)
        guard owner.code != editor.code else {
            throw DomainError.procedure(
                "\(kind.name) \(id) belongs to this node's own unit \(editor.code): the unit above it approves it",
                chinese: "本单位的\(kind.displayName)由上级单位审核，不能自己审核。")
        }
        if let approval = Approval(record) {
            throw DomainError.procedure(
                "\(kind.name) \(id) is already approved by \(approval.org) (\(approval.approver), \(approval.at))",
                chinese: "该\(kind.displayName)已于 \(approval.at) 由\(approval.approver)审核通过。", forbidden: false)
        }
        try checkChildrenApproved(record, owner: owner)
        try writer.update(
            table: kind.table, id: record.id,
            fields: [
                "approved_by": .text(editor.code), "approved_at": .text(context.nowText), "approver": .text(approver),
                "approved_note": note.map(FieldValue.text) ?? .null,
            ], rewrite: [], settlement: "superseded by an edit made on top of it", onTopOfRecord: true)
        var content = Dictionary(uniqueKeysWithValues: kind.fields.map { ($0.field, record[$0.field]) })
        if kind.name == RecordKind.task.name {
            content["status"] = .text("closed")
            if content["closed_on"] == .null { content["closed_on"] = .text(context.today) }
        }
        try writer.update(
            table: kind.table, id: record.id, fields: content, rewrite: Set(content.keys),
            settlement: "settled by the approval of \(editor.code): the shown value kept", onTopOfRecord: false)
        try writer.setDeleted(
            false, table: kind.table, id: record.id, again: false, settlement: "settled by the approval")
        return try writer.fetch(table: kind.table, id: record.id)!
    }

    /// Withdraws an approval the editor's unit (or a unit below it) made: the record opens
    /// for edits from below again, and a pending amendment is ranked by the kind's policy
    /// again (it stays listed as a conflict until someone settles it). A task's close-out
    /// reopens.
    public func unapprove(id: String, note: String?, writer: inout some RecordWriting) throws -> StoredRecord {
        try Self.requireApprovable(kind)
        let record = try live(id, writer)
        _ = try writableOrg(record.org)
        guard let approval = Approval(record) else {
            throw DomainError.procedure(
                "\(kind.name) \(id) is not approved", chinese: "该\(kind.displayName)尚未审核通过，无需取消。",
                forbidden: false)
        }
        guard let approver = try unit(approval.org) else { throw DomainError.unknownOrg(approval.org) }
        guard editor.contains(approver) else {
            throw DomainError.procedure(
                "\(kind.name) \(id) was approved by \(approval.org) \(approver.name): only that unit or one above it unapproves it",
                chinese: "该\(kind.displayName)由\(approver.name)审核，只有该单位或其上级可以取消审核。")
        }
        let fields: [String: FieldValue] = [
            "approved_by": .null, "approved_at": .null, "approver": .null,
            "approved_note": note.map(FieldValue.text) ?? .null,
        ]
        try writer.update(
            table: kind.table, id: record.id, fields: fields, rewrite: [],
            settlement: "superseded by an edit made on top of it", onTopOfRecord: true)
        if kind.name == RecordKind.task.name, record["status"] == .text("closed") {
            try writer.update(
                table: kind.table, id: record.id, fields: ["status": .text("open"), "closed_on": .null], rewrite: [],
                settlement: "superseded by an edit made on top of it", onTopOfRecord: false)
        }
        return try writer.fetch(table: kind.table, id: record.id)!
    }

    /// Refuses a kind that no upper level approves, naming those it does.
    public static func requireApprovable(_ kind: RecordKind) throws {
        guard kind.isApprovable else {
            throw DomainError.invalidValue(
                field: "kind", value: kind.name,
                allowed: RecordKind.approvable.map(\.name).joined(separator: ", ") + " (what an upper level approves)")
        }
    }

    /// Whether the node of `reader` approves `kind` only after every child unit's matching
    /// records are approved (DHIS2's approval levels); off unless set.
    public static func childrenFirst(_ kind: RecordKind, _ reader: any SQLReader) throws -> Bool {
        let rule = try reader.rows("SELECT children_first FROM approval_rule WHERE kind = ?", [.text(kind.name)])
        return rule.first.map { ($0[0] as Int) != 0 } ?? false
    }

    /// With the children-first rule: every child unit of the record's owner must have its
    /// matching records approved (a report of the same period; all its plans or tasks).
    private func checkChildrenApproved(_ record: StoredRecord, owner: OrgUnit) throws {
        guard try Self.childrenFirst(kind, context.reader) else { return }
        let children = try context.reader.rows(
            "SELECT code, name FROM org_unit WHERE parent = ? ORDER BY \(context.reader.dialect.bytewise("code"))",
            [.text(owner.code)])
        let samePeriod = kind.name == RecordKind.report.name ? " AND period = ?" : ""
        var waiting: [(code: String, name: String)] = []
        for child in children {
            let code: String = child[0]
            var arguments: [FieldValue] = [.text(code)]
            if !samePeriod.isEmpty { arguments.append(.text(record["period"].textValue ?? "")) }
            let counts = try context.reader.rows(
                "SELECT count(*), count(approved_by) FROM \(kind.table) WHERE org = ? AND deleted = 0\(samePeriod)",
                arguments)
            let (count, approved) = counts.first.map { ($0[0] as Int, $0[1] as Int) } ?? (0, 0)
            if count == 0 || approved < count { waiting.append((code, child[1])) }
        }
        guard !waiting.isEmpty else { return }
        throw DomainError.procedure(
            "approve every child unit's \(kind.name) first (this level's rule): not approved yet: \(waiting.map { "\($0.code) \($0.name)" }.joined(separator: ", "))",
            chinese: "按本级规定，须先审核通过所有下级单位的\(kind.displayName)。尚未审核通过：\(waiting.map(\.name).joined(separator: "、"))。",
            forbidden: false)
    }
}
