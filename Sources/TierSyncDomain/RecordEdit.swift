import TierSyncCore
import TierSyncStore

/// A person's edit of a record, as every store takes it: the values parsed over the record's
/// and checked, the owner inside the editor's subtree, no field that only a unit above
/// decides, no write to what a unit above approved; then written through the store's
/// `RecordWriting` (a SQLite node's `ChangeWriter`, a PostgreSQL hub's `LocalEdit`), in the
/// transaction `context` reads.
///
/// ```swift
/// let edit = RecordEdit(kind: .contact, editor: org, scope: org, context: context) { code in try unit(code) }
/// let record = try edit.add(org: nil, values: ["role": "信息员", "name": "示例·王一"], id: nil, writer: &writer)
/// ```
public struct RecordEdit {
    public let kind: RecordKind
    /// The editing node's unit: it records what only the unit above an owner decides, and
    /// corrects what it approved.
    public let editor: OrgUnit
    /// Where the edit may write: the node's subtree, or that of the person it acts for.
    public let scope: OrgUnit
    public let context: ValidationContext
    /// The org unit of a code, read in the edit's transaction; nil when there is none.
    let unit: (String) throws -> OrgUnit?

    public init(
        kind: RecordKind, editor: OrgUnit, scope: OrgUnit, context: ValidationContext,
        unit: @escaping (String) throws -> OrgUnit?
    ) {
        (self.kind, self.editor, self.scope, self.context, self.unit) = (kind, editor, scope, context, unit)
    }

    /// Adds a record owned by `org` (default: the editor's unit) from `values` as typed.
    ///
    /// - Parameter id: the new record's id (default: a random one).
    public func add(org: String?, values: [String: String], id: RecordID?, writer: inout some RecordWriting) throws
        -> StoredRecord
    {
        let owner = try writableOrg(org ?? editor.code)
        let record = try TierSyncNode.parse(kind, values, over: kind.defaults(context), context: context)
        try TierSyncNode.checkDecidedAbove(
            kind, named: try named(values), record: record, owner: owner.code, editor: editor.code)
        let id = id ?? Self.newRecordID()
        try writer.insert(table: kind.table, id: id, org: owner.code, fields: record)
        return try writer.fetch(table: kind.table, id: id)!
    }

    /// Changes fields of the live record `id`; an empty value clears an optional field.
    ///
    /// - Returns: the record after the change and the changes made (none when every value
    ///   was already the stored one).
    public func set(id: String, values: [String: String], writer: inout some RecordWriting) throws -> (
        StoredRecord, [FieldChange]
    ) {
        let current = try editable(id, writer)
        let record = try TierSyncNode.parse(kind, values, over: current.fields, context: context)
        let named = try named(values)
        try TierSyncNode.checkDecidedAbove(kind, named: named, record: record, owner: current.org, editor: editor.code)
        var changes = try writer.update(
            table: kind.table, id: current.id, fields: record.filter { named.contains($0.key) }, rewrite: [],
            settlement: "superseded by an edit made on top of it", onTopOfRecord: false)
        if TierSyncNode.sharesFurther(from: current["share"], to: record["share"] ?? .null) {
            changes += try restate(current.id, record, writer: &writer)
        }
        return (try writer.fetch(table: kind.table, id: current.id)!, changes)
    }

    /// Deletes the live record `id`: it stays as a tombstone, so the deletion syncs like any edit.
    public func delete(id: String, writer: inout some RecordWriting) throws {
        let current = try editable(id, writer)
        try writer.delete(table: kind.table, id: current.id)
    }

    /// Settles the open conflict `row` of a record of this kind with a new edit made on top
    /// of every version kept for the field; returns the record after it.
    ///
    /// - Parameter who: who settled it, for the conflict's history ("by node …").
    public func resolve(
        _ row: ConflictRow, _ resolution: TierSyncNode.Resolution, who: String, writer: inout some RecordWriting
    ) throws -> StoredRecord {
        guard row.settledHlc == nil else {
            throw DomainError.invalidValue(
                field: "conflict", value: row.id.map(String.init) ?? "",
                allowed: "an open conflict (this one was settled: \(row.settlement ?? ""))")
        }
        guard let recordID = RecordID(row.record), let record = try writer.fetch(table: row.tbl, id: recordID) else {
            throw DomainError.notFound(kind: "record", id: row.record)
        }
        _ = try writableOrg(record.org)
        try TierSyncNode.requireUnlocked(kind, record, editor: editor, unit: unit)
        func update(_ value: FieldValue, _ how: String) throws {
            try writer.update(
                table: row.tbl, id: recordID, fields: [row.field: value], rewrite: [row.field],
                settlement: "resolved \(who): \(how)", onTopOfRecord: false)
        }
        switch (row.kind, resolution) {
        case (.deletedWhileEdited, .keepCurrent):
            try writer.setDeleted(
                true, table: row.tbl, id: recordID, again: true, settlement: "resolved \(who): kept deleted")
        case (.deletedWhileEdited, .keepOther):
            try writer.setDeleted(
                false, table: row.tbl, id: recordID, again: false, settlement: "resolved \(who): record restored")
        case (.deletedWhileEdited, .value):
            throw DomainError.invalidValue(
                field: "resolution", value: "--value",
                allowed:
                    "--keep current (the record stays deleted) or --keep other (restore it with the edit) for a delete conflict"
            )
        case (.concurrent, _) where row.field == FieldChange.deletedField:
            let keepDeleted = resolution == .keepCurrent ? record.deleted : row.value == .integer(1)
            try writer.setDeleted(
                keepDeleted, table: row.tbl, id: recordID, again: true, settlement: "resolved \(who)")
        case (.concurrent, .keepCurrent): try update(record[row.field], "kept current")
        case (.concurrent, .keepOther): try update(row.value, "kept other")
        case (.concurrent, .value(let raw)):
            let value = try kind.field(named: row.field).parse(raw, in: context)
            var fields = record.fields
            fields[row.field] = value
            try Self.checkComplete(kind, fields)
            try update(value, "new value")
        }
        return try writer.fetch(table: row.tbl, id: recordID)!
    }

    /// Required fields present, then the kind's rules across fields.
    static func checkComplete(_ kind: RecordKind, _ record: [String: FieldValue]) throws {
        for spec in kind.fields where spec.required && (record[spec.field] ?? .null) == .null {
            throw DomainError.missingField("--\(spec.flag)", kind: kind.name, hint: spec.summary)
        }
        try kind.check(record)
    }

    /// The live record `id`, when this editor may write it.
    func editable(_ id: String, _ writer: some RecordWriting) throws -> StoredRecord {
        guard kind.editable else {
            throw DomainError.immutable(
                kind: kind.name, hint: "record a reversing event instead (tiersync stock reverse)")
        }
        let record = try live(id, writer)
        _ = try writableOrg(record.org)
        try TierSyncNode.requireUnlocked(kind, record, editor: editor, unit: unit)
        return record
    }

    /// The record `id` of this kind, not deleted.
    func live(_ id: String, _ writer: some RecordWriting) throws -> StoredRecord {
        guard let recordID = RecordID(id), let record = try writer.fetch(table: kind.table, id: recordID) else {
            throw DomainError.notFound(kind: kind.name, id: id)
        }
        if record.deleted { throw StoreError.recordDeleted(table: kind.table, id: id) }
        return record
    }

    /// `code`'s unit, when it is inside the subtree this edit writes in.
    public func writableOrg(_ code: String) throws -> OrgUnit {
        try Self.writableOrg(code, scope: scope, unit: unit)
    }

    /// `code`'s unit (found by `unit`), when it is inside `scope`.
    public static func writableOrg(_ code: String, scope: OrgUnit, unit: (String) throws -> OrgUnit?) throws -> OrgUnit
    {
        guard let found = try unit(code) else { throw DomainError.unknownOrg(code) }
        guard scope.contains(found) else { throw DomainError.outsideSubtree(org: code, nodeOrg: scope.code) }
        return found
    }

    /// The fields `values` name (by flag or field name).
    private func named(_ values: [String: String]) throws -> Set<String> {
        Set(try values.keys.map { try kind.field(named: $0).field })
    }

    /// Units newly reached by a record shared further have none of it: every field goes down
    /// again, after their cursors (the same values, restated on top), and so do its
    /// attachments.
    private func restate(_ id: RecordID, _ record: [String: FieldValue], writer: inout some RecordWriting) throws
        -> [FieldChange]
    {
        let all = Dictionary(
            uniqueKeysWithValues: kind.fields.filter { $0.field != "share" }.map {
                ($0.field, record[$0.field] ?? .null)
            })
        var changes = try writer.update(
            table: kind.table, id: id, fields: all, rewrite: Set(all.keys),
            settlement: "restated when the record was shared further", onTopOfRecord: false)
        // Read through the transaction, not the writer: on PostgreSQL what the writer holds
        // until its flush is not seen there, but no edit writes attachments before this.
        let attachments = try context.reader.rows(
            "SELECT id FROM attachment WHERE record_id = ? AND deleted = 0 ORDER BY id", [.text(id.rawValue)])
        for attachment in attachments.compactMap({ RecordID($0[0] as String) }) {
            guard let stored = try writer.fetch(table: "attachment", id: attachment) else { continue }
            let fields = stored.fields
            changes += try writer.update(
                table: "attachment", id: attachment, fields: fields, rewrite: Set(fields.keys),
                settlement: "restated when its record was shared further", onTopOfRecord: false)
        }
        return changes
    }
}
