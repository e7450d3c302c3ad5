import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// A hub on PostgreSQL taking edits of its own: a city's directives and shared directories,
/// an upper level's corrections. Each edit follows the rules of a SQLite node's edit
/// (`RecordEdit`: the same values parsed, the same refusals in the same words) and is
/// written as changes of this hub through the merge (`LocalEdit`), in one transaction
/// holding the writer lock; it then goes down to the children and up to the parent as any
/// change does.
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
        try edit(kind) { edit, writer, _ in try edit.add(org: org, values: values, id: id, writer: &writer) }
    }

    /// Changes fields of a record; an empty value clears an optional field.
    ///
    /// - Returns: the record after the change and the changes made (none when every value
    ///   was already the stored one).
    @discardableResult
    public func set(_ kind: RecordKind, id: String, values: [String: String]) throws -> (StoredRecord, [FieldChange]) {
        try edit(kind) { edit, writer, _ in try edit.set(id: id, values: values, writer: &writer) }
    }

    /// Deletes a record: it stays as a tombstone, so the deletion syncs like any edit.
    public func delete(_ kind: RecordKind, id: String) throws {
        try edit(kind) { edit, writer, _ in try edit.delete(id: id, writer: &writer) }
    }

    /// Approves a submission of a unit below this hub's (a plan, a report, a task's
    /// close-out), as `tiersync approve` does on a SQLite node: it is locked against edits
    /// from below.
    @discardableResult
    public func approve(_ kind: RecordKind, id: String, note: String? = nil) throws -> StoredRecord {
        try edit(kind) { edit, writer, _ in
            try edit.approve(id: id, note: note, approver: actorName, writer: &writer)
        }
    }

    /// Withdraws an approval this hub's unit (or one below it) made.
    @discardableResult
    public func unapprove(_ kind: RecordKind, id: String, note: String? = nil) throws -> StoredRecord {
        try edit(kind) { edit, writer, _ in try edit.unapprove(id: id, note: note, writer: &writer) }
    }

    /// Whether this hub approves `kind` only after every child unit's matching records are
    /// approved; off unless set.
    public func approvalRule(_ kind: RecordKind) throws -> Bool {
        try store.read { session in try RecordEdit.childrenFirst(kind, session) }
    }

    /// Sets this hub's approval rule for `kind`.
    public func setApprovalRule(_ kind: RecordKind, childrenFirst: Bool) throws {
        try RecordEdit.requireApprovable(kind)
        _ = try store.write { session in
            try session.query(
                """
                INSERT INTO approval_rule (kind, children_first) VALUES ($1, $2)
                ON CONFLICT (kind) DO UPDATE SET children_first = excluded.children_first
                """, [.text(kind.name), .integer(childrenFirst ? 1 : 0)])
        }
    }

    /// Settles an open conflict with a new edit made on top of every version kept for the
    /// field, as `conflicts resolve` does on a SQLite node; returns the record after it.
    @discardableResult
    public func resolveConflict(_ id: Int64, _ resolution: TierSyncNode.Resolution) throws -> StoredRecord {
        try editConflict(id, named: "conflict") { edit, writer, row in
            try edit.resolve(row, resolution, who: who, writer: &writer)
        }
    }

    /// Runs `body` as `edit` does, for the kind of the record of the conflict `id` (settled
    /// or not), with that conflict; refused as an unknown `named` when there is none.
    func editConflict<T>(
        _ id: Int64, named: String,
        _ body: (RecordEdit, inout LocalEdit<PostgresMergeStorage>, ConflictRow) throws -> T
    ) throws -> T {
        let table = try store.read { session in
            try session.query("SELECT tbl FROM conflict WHERE id = $1", [.integer(id)]).first?.decode(String.self)
        }
        guard let kind = table.flatMap(RecordKind.forTable) else {
            throw DomainError.notFound(kind: named, id: String(id))
        }
        return try edit(kind) { edit, writer, session in
            let row = try session.query(
                "SELECT \(PostgresMergeStorage.conflictColumns), \(PostgresMergeStorage.settledColumns) FROM conflict WHERE id = $1",
                [.integer(id)]
            ).first.map { try PostgresMergeStorage.conflict($0, settled: true) }
            guard let row else { throw DomainError.notFound(kind: named, id: String(id)) }
            return try body(edit, &writer, row)
        }
    }

    /// Runs `body` in one write transaction with the rules of an edit of `kind` by this hub
    /// and a writer of its changes; what the writer holds is written before the commit.
    func edit<T>(
        _ kind: RecordKind, _ body: (RecordEdit, inout LocalEdit<PostgresMergeStorage>, PostgresSession) throws -> T
    ) throws -> T {
        try store.write { session in try editing(kind, session, body) }
    }

    /// `edit` in the session's transaction, which holds the writer lock.
    func editing<T>(
        _ kind: RecordKind, _ session: PostgresSession,
        _ body: (RecordEdit, inout LocalEdit<PostgresMergeStorage>, PostgresSession) throws -> T
    ) throws -> T {
        var (writer, storage) = try self.writer(session)
        let result = try body(try rules(kind, context(session), session), &writer, session)
        try nameAuthor(&writer)
        try storage.flush()
        return result
    }

    /// Names the acting person as the author of what `writer` made, by an `edit_author`
    /// record in the same transaction, which syncs like the records (as `TierSyncNode.write`
    /// does on SQLite).
    ///
    /// - Parameter made: the stamps and org to name them for (default: what `writer` made).
    func nameAuthor(
        _ writer: inout LocalEdit<PostgresMergeStorage>,
        made: (first: HLCTimestamp, last: HLCTimestamp, org: String)? = nil
    ) throws {
        guard let author, let made = made ?? writer.made else { return }
        try writer.insert(
            table: TierSyncNode.authorTable, id: RecordEdit.newRecordID(), org: made.org,
            fields: TierSyncNode.authorFields(
                author, node: hubNode, first: made.first.rawValue, last: made.last.rawValue))
    }

    /// A writer of this hub's own changes in the session's transaction, and the storage to
    /// flush once it is done; `directory` and `clock` when the caller has them already (an
    /// edit registers no node, so one read of the directory serves a transaction's writers,
    /// and the clock is the previous writer's).
    func writer(
        _ session: PostgresSession, directory: PeerDirectory? = nil, clock: HybridLogicalClock? = nil,
        holdingAll: Bool = false
    ) throws -> (LocalEdit<PostgresMergeStorage>, PostgresMergeStorage) {
        let storage = PostgresMergeStorage(session: session, holdingAll: holdingAll)
        let writer = LocalEdit(
            merge: RemoteMerge(
                storage: storage, node: hubNode, tables: store.tables, policies: store.policies,
                clock: try clock ?? HybridLogicalClock(last: try store.clock(session)), wallClock: wallClock),
            directory: try directory ?? store.directory(session))
        return (writer, storage)
    }

    /// What an edit's values are checked against, read in the session's transaction.
    func context(_ session: PostgresSession) throws -> ValidationContext {
        // The vocabulary read as the hub opened: only an upgrade (at an open) changes it.
        ValidationContext(vocabulary: vocabulary, reader: session, now: wallClock.nowMilliseconds())
    }

    /// The rules of an edit of `kind` by this hub, in the session's transaction; `unit` finds
    /// an org unit by its code (default: a query each time).
    func rules(
        _ kind: RecordKind, _ context: ValidationContext, _ session: PostgresSession,
        unit: ((String) throws -> OrgUnit?)? = nil
    ) -> RecordEdit {
        RecordEdit(kind: kind, editor: hubOrg, scope: writeScope, context: context) { code in
            if let unit { return try unit(code) }
            return try Self.orgUnit(code, session)
        }
    }
}

/// The commands a person runs on a node run on a hub on PostgreSQL too.
extension PostgresHub: NodeWorkspace {
    public func referenceVocabulary() throws -> Vocabulary { vocabulary }
}
