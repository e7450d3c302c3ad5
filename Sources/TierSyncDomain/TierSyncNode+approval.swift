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
        let record = try liveRecord(kind, id: id, db: writer.db)
        let owner = try writableOrg(record.org, db: writer.db)
        guard owner.code != org.code else {
            throw DomainError.procedure(
                "\(kind.name) \(id) belongs to this node's own unit \(org.code): the unit above it approves it",
                chinese: "本单位的\(kind.displayName)由上级单位审核，不能自己审核。")
        }
        if let approval = Approval(record) {
            throw DomainError.procedure(
                "\(kind.name) \(id) is already approved by \(approval.org) (\(approval.approver), \(approval.at))",
                chinese: "该\(kind.displayName)已于 \(approval.at) 由\(approval.approver)审核通过。", forbidden: false)
        }
        try checkChildrenApproved(kind, record, owner: owner, db: writer.db)
        let context = context(writer.db)
        try writer.update(
            table: kind.table, id: record.id,
            fields: [
                "approved_by": .text(org.code), "approved_at": .text(context.nowText),
                "approver": .text(author?.name ?? org.name), "approved_note": note.map(FieldValue.text) ?? .null,
            ], onTopOfRecord: true)
        var content = Dictionary(uniqueKeysWithValues: kind.fields.map { ($0.field, record[$0.field]) })
        if kind.name == RecordKind.task.name {
            content["status"] = .text("closed")
            if content["closed_on"] == .null { content["closed_on"] = .text(context.today) }
        }
        try writer.update(
            table: kind.table, id: record.id, fields: content, rewrite: Set(content.keys),
            settlement: "settled by the approval of \(org.code): the shown value kept")
        try writer.setDeleted(false, table: kind.table, id: record.id, settlement: "settled by the approval")
        return try writer.fetch(table: kind.table, id: record.id)!
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
        let record = try liveRecord(kind, id: id, db: writer.db)
        _ = try writableOrg(record.org, db: writer.db)
        guard let approval = Approval(record) else {
            throw DomainError.procedure(
                "\(kind.name) \(id) is not approved", chinese: "该\(kind.displayName)尚未审核通过，无需取消。",
                forbidden: false)
        }
        let approver = try orgUnit(approval.org, db: writer.db)
        guard org.contains(approver) else {
            throw DomainError.procedure(
                "\(kind.name) \(id) was approved by \(approval.org) \(approver.name): only that unit or one above it unapproves it",
                chinese: "该\(kind.displayName)由\(approver.name)审核，只有该单位或其上级可以取消审核。")
        }
        var fields: [String: FieldValue] = [
            "approved_by": .null, "approved_at": .null, "approver": .null,
            "approved_note": note.map(FieldValue.text) ?? .null,
        ]
        try writer.update(table: kind.table, id: record.id, fields: fields, onTopOfRecord: true)
        if kind.name == RecordKind.task.name, record["status"] == .text("closed") {
            fields = ["status": .text("open"), "closed_on": .null]
            try writer.update(table: kind.table, id: record.id, fields: fields)
        }
        return try writer.fetch(table: kind.table, id: record.id)!
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

    private func requireApprovable(_ kind: RecordKind) throws {
        guard kind.isApprovable else {
            throw DomainError.invalidValue(
                field: "kind", value: kind.name,
                allowed: RecordKind.approvable.map(\.name).joined(separator: ", ") + " (what an upper level approves)")
        }
    }

    /// Whether this node approves `kind` only after every child unit's matching records are
    /// approved (DHIS2's approval levels); off unless set.
    public func approvalRule(_ kind: RecordKind) throws -> Bool {
        try store.read { db in try childrenFirst(kind, db: db) }
    }

    private func childrenFirst(_ kind: RecordKind, db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT children_first FROM approval_rule WHERE kind = ?", arguments: [kind.name])
            ?? false
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

    /// With the children-first rule: every child unit of the record's owner must have its
    /// matching records approved (a report of the same period; all its plans or tasks).
    private func checkChildrenApproved(_ kind: RecordKind, _ record: StoredRecord, owner: OrgUnit, db: Database)
        throws
    {
        guard try childrenFirst(kind, db: db) else { return }
        let children = try OrgUnit.filter(Column("parent") == owner.code).order(Column("code")).fetchAll(db)
        let samePeriod = kind.name == RecordKind.report.name ? " AND period = ?" : ""
        var waiting: [OrgUnit] = []
        for child in children {
            var arguments: StatementArguments = [child.code]
            if !samePeriod.isEmpty { arguments += [record["period"].textValue ?? ""] }
            let (count, approved) =
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*), count(approved_by) FROM \(kind.table)
                        WHERE org = ? AND deleted = 0\(samePeriod)
                        """, arguments: arguments
                ).map { ($0[0] as Int, $0[1] as Int) } ?? (0, 0)
            if count == 0 || approved < count { waiting.append(child) }
        }
        guard !waiting.isEmpty else { return }
        let names = waiting.map { "\($0.code) \($0.name)" }
        throw DomainError.procedure(
            "approve every child unit's \(kind.name) first (this level's rule): not approved yet: \(names.joined(separator: ", "))",
            chinese: "按本级规定，须先审核通过所有下级单位的\(kind.displayName)。尚未审核通过：\(waiting.map(\.name).joined(separator: "、"))。",
            forbidden: false)
    }
}
