import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// A hub on PostgreSQL taking edits of its own: a city's directives and shared directories,
/// an upper level's corrections. Each edit is checked by the rules a SQLite node's edit
/// follows (the same values parsed, the same refusals in the same words) and written as
/// changes of this hub through the merge (`LocalEdit`), in one transaction holding the
/// writer lock; it then goes down to the children and up to the parent as any change does.
///
/// ```swift
/// let directive = try city.add(.directive, values: ["title": "防汛通知", "body": "…"])
/// try city.set(.contact, id: id, values: ["phone": "13900000001"])
/// try city.delete(.contact, id: id)
/// ```
extension PostgresHub {
    /// Adds a record of `kind` owned by `org` (default: the hub's own unit); returns it.
    ///
    /// - Parameter id: the new record's id (default: a random one).
    @discardableResult
    public func add(_ kind: RecordKind, org: String? = nil, values: [String: String], id: RecordID? = nil) throws
        -> StoredRecord
    {
        try edit { edit, context, session in
            let owner = try writableOrg(org ?? hubOrg.code, session)
            let record = try TierSyncNode.parse(kind, values, over: kind.defaults(context), context: context)
            let named = Set(try values.keys.map { try kind.field(named: $0).field })
            try TierSyncNode.checkDecidedAbove(
                kind, named: named, record: record, owner: owner.code, editor: hubOrg.code)
            var random = SystemRandomNumberGenerator()
            let id = id ?? RecordID.random(using: &random)
            try edit.insert(table: kind.table, id: id, org: owner.code, fields: record)
            return try stored(kind, id, edit)
        }
    }

    /// Changes fields of a record; an empty value clears an optional field.
    ///
    /// - Returns: the record after the change and the changes made (none when every value
    ///   was already the stored one).
    @discardableResult
    public func set(_ kind: RecordKind, id: String, values: [String: String]) throws -> (StoredRecord, [FieldChange]) {
        try requireEditable(kind)
        return try edit { edit, context, session in
            let current = try liveRecord(kind, id: id, edit)
            _ = try writableOrg(current.org, session)
            try TierSyncNode.requireUnlocked(kind, current, editor: hubOrg) { try Self.orgUnit($0, session) }
            let record = try TierSyncNode.parse(kind, values, over: current.fields, context: context)
            let named = Set(try values.keys.map { try kind.field(named: $0).field })
            try TierSyncNode.checkDecidedAbove(
                kind, named: named, record: record, owner: current.org, editor: hubOrg.code)
            var changes = try edit.update(
                table: kind.table, id: current.id, fields: record.filter { named.contains($0.key) })
            if TierSyncNode.sharesFurther(from: current["share"], to: record["share"] ?? .null) {
                changes += try restate(kind, current.id, record, edit: &edit, session)
            }
            return (try stored(kind, current.id, edit), changes)
        }
    }

    /// Deletes a record: it stays as a tombstone, so the deletion syncs like any edit.
    public func delete(_ kind: RecordKind, id: String) throws {
        try requireEditable(kind)
        try edit { edit, _, session in
            let current = try liveRecord(kind, id: id, edit)
            _ = try writableOrg(current.org, session)
            try TierSyncNode.requireUnlocked(kind, current, editor: hubOrg) { try Self.orgUnit($0, session) }
            try edit.delete(table: kind.table, id: current.id)
        }
    }

    /// Units newly reached by a record shared further have none of it: every field goes
    /// down again, after their cursors (the same values, restated on top), and so do its
    /// attachments, as on a SQLite node (`TierSyncNode.set`).
    private func restate(
        _ kind: RecordKind, _ id: RecordID, _ record: [String: FieldValue],
        edit: inout LocalEdit<PostgresMergeStorage>, _ session: PostgresSession
    ) throws -> [FieldChange] {
        let all = Dictionary(
            uniqueKeysWithValues: kind.fields.filter { $0.field != "share" }.map {
                ($0.field, record[$0.field] ?? .null)
            })
        var changes = try edit.update(
            table: kind.table, id: id, fields: all, rewrite: Set(all.keys),
            settlement: "restated when the record was shared further")
        let attachments = try store.tables["attachment"].map { table in
            (
                table,
                try session.query(
                    "SELECT id FROM attachment WHERE record_id = $1 AND deleted = 0 ORDER BY id", [.text(id.rawValue)]
                ).compactMap { RecordID(try $0.decode(String.self)) }
            )
        }
        for attachmentID in attachments?.1 ?? [] {
            guard let table = attachments?.0, let stored = try edit.merge.storage.record(table, id: attachmentID)
            else { continue }
            let fields = Dictionary(uniqueKeysWithValues: table.fieldNames.map { ($0, stored[$0]) })
            changes += try edit.update(
                table: "attachment", id: attachmentID, fields: fields, rewrite: Set(fields.keys),
                settlement: "restated when its record was shared further")
        }
        return changes
    }

    /// Runs `body` in one write transaction with an edit of this hub's own and the context
    /// its values are checked in; what the edit holds is written before the commit.
    private func edit<T>(
        _ body: (inout LocalEdit<PostgresMergeStorage>, ValidationContext, PostgresSession) throws -> T
    ) throws -> T {
        try store.write { session in
            let storage = PostgresMergeStorage(session: session)
            var edit = LocalEdit(
                merge: RemoteMerge(
                    storage: storage, node: hubNode, tables: store.tables, policies: store.policies,
                    clock: HybridLogicalClock(last: try store.clock(session)), wallClock: wallClock),
                directory: try store.directory(session))
            let context = ValidationContext(
                vocabulary: try Vocabulary.read(session), reader: session, now: wallClock.nowMilliseconds())
            let result = try body(&edit, context, session)
            try storage.flush()
            return result
        }
    }

    /// `code`'s unit, when it is in this hub's subtree, where the hub writes.
    private func writableOrg(_ code: String, _ session: PostgresSession) throws -> OrgUnit {
        guard let unit = try Self.orgUnit(code, session) else { throw DomainError.unknownOrg(code) }
        guard hubOrg.contains(unit) else { throw DomainError.outsideSubtree(org: code, nodeOrg: hubOrg.code) }
        return unit
    }

    private func liveRecord(_ kind: RecordKind, id: String, _ edit: LocalEdit<PostgresMergeStorage>) throws
        -> StoredRecord
    {
        guard let recordID = RecordID(id), let table = store.tables[kind.table],
            let record = try edit.merge.storage.record(table, id: recordID)
        else { throw DomainError.notFound(kind: kind.name, id: id) }
        if record.deleted { throw StoreError.recordDeleted(table: kind.table, id: id) }
        return record
    }

    /// The record as the edit left it (held until the flush, read back from what is held).
    private func stored(_ kind: RecordKind, _ id: RecordID, _ edit: LocalEdit<PostgresMergeStorage>) throws
        -> StoredRecord
    {
        guard let table = store.tables[kind.table], let record = try edit.merge.storage.record(table, id: id) else {
            throw StoreError.recordNotFound(table: kind.table, id: id.rawValue)
        }
        return record
    }

    private func requireEditable(_ kind: RecordKind) throws {
        guard kind.editable else {
            throw DomainError.immutable(
                kind: kind.name, hint: "record a reversing event instead (tiersync stock reverse)")
        }
    }
}
