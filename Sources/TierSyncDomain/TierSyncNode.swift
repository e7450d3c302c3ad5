import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncStore

/// A TierSync node as its users work with it: records entered and checked, the org
/// hierarchy, the ledgers. Every method that writes is one transaction.
///
/// ```swift
/// let node = try TierSyncNode.create(path: "town.db", org: "520201101")
/// let contact = try node.add(.contact, values: ["role": "信息员", "name": "张三", "phone": "13900001111"])
/// try node.set(.contact, id: contact.id.rawValue, values: ["phone": "13900002222"])
/// ```
public final class TierSyncNode: Sendable {
    public let store: NodeStore
    public let vocabulary: Vocabulary
    /// The node's own org unit; it writes only inside this unit's subtree.
    public let org: OrgUnit
    /// The person whose edits this handle writes, when it writes for one
    /// (`node.acting(as:)`); their name goes beside the edits in the record's history.
    public let author: Author?
    /// Where this handle may write: the node's own subtree, or the narrower one of the person
    /// it writes for.
    let writeScope: OrgUnit

    init(store: NodeStore) throws {
        self.store = store
        self.author = nil
        (self.vocabulary, self.org) = try store.read { db in
            guard let org = try OrgUnit.fetchOne(db, key: store.node.org) else {
                throw DomainError.unknownOrg(store.node.org)
            }
            return (try Vocabulary.read(db), org)
        }
        writeScope = org
    }

    init(store: NodeStore, vocabulary: Vocabulary, org: OrgUnit, author: Author?, writeScope: OrgUnit) {
        (self.store, self.vocabulary, self.org, self.author, self.writeScope) = (
            store, vocabulary, org, author, writeScope
        )
    }

    /// Makes a new node for org unit `org` at `path`, loaded with `seeds`.
    public static func create(
        path: String, org: String, seeds: SeedData? = nil, wallClock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "tiersync"), nodeID: NodeID? = nil, laterMigrations: [SchemaMigration] = []
    ) throws -> TierSyncNode {
        try refusePostgres(path)
        let seeds = try seeds ?? SeedData.builtIn()
        guard seeds.orgs.contains(where: { $0.code == org }) else {
            let counties = seeds.orgs.filter { $0.level == .county }.map { "\($0.code) \($0.name)" }
            throw DomainError.invalidValue(
                field: "org", value: org,
                allowed: "the code of an org unit in the seeds (see seeds/orgs.csv), e.g. "
                    + counties.joined(separator: ", "))
        }
        var random = SystemRandomNumberGenerator()
        let store = try NodeStore.create(
            path: path, org: org, policies: RecordKind.mergePolicies, wallClock: wallClock, logger: logger,
            randomNumbers: &random, nodeID: nodeID, laterMigrations: laterMigrations,
            seed: seeds.insert(into:))
        return try TierSyncNode(store: store)
    }

    /// Opens the node at `path`; `laterMigrations` are for tests that run a node of a later
    /// release (see `NodeStore.open`).
    public static func open(
        path: String, wallClock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "tiersync"),
        laterMigrations: [SchemaMigration] = []
    ) throws -> TierSyncNode {
        try refusePostgres(path)
        return try TierSyncNode(
            store: try NodeStore.open(
                path: path, policies: RecordKind.mergePolicies, wallClock: wallClock, logger: logger,
                laterMigrations: laterMigrations))
    }

    /// Refuses a PostgreSQL URL where a SQLite file is meant: a hub on PostgreSQL serves
    /// sync, edits, procedures and its stock through `PostgresHub`, not the rest (people's
    /// accounts, bundles, backups).
    static func refusePostgres(_ path: String) throws {
        guard path.hasPrefix("postgresql://") || path.hasPrefix("postgres://") else { return }
        throw DomainError.invalidValue(
            field: "db", value: path.prefix { $0 != ":" } + "://… (a PostgreSQL URL)",
            allowed:
                "a SQLite file: a postgresql:// URL names a hub on PostgreSQL, which `PostgresHub.open` opens (every `tiersync` command takes one as --db)"
        )
    }

    /// Adds a record of `kind` owned by `org` (default: the node's own org) from CLI-style
    /// `values` (field name → text as typed).
    ///
    /// - Parameter id: the new record's id (default: a random one).
    /// - Throws: `DomainError` with every field issue found (`issues`), in the kind's field
    ///   order; nothing is written then.
    @discardableResult
    public func add(_ kind: RecordKind, org: String? = nil, values: [String: String], id: RecordID? = nil) throws
        -> StoredRecord
    {
        try write { writer in try add(kind, org: org, values: values, id: id, writer: &writer) }
    }

    /// `add` in `writer`'s transaction (an import adds many records in one).
    func add(
        _ kind: RecordKind, org: String?, values: [String: String], id: RecordID? = nil, writer: inout ChangeWriter
    ) throws -> StoredRecord {
        try edit(kind, writer.db).add(org: org, values: values, id: id, writer: &writer)
    }

    /// Changes fields of a record; an empty value clears an optional field.
    ///
    /// - Returns: the record after the change and the field changes logged (none when
    ///   every value was already the stored one).
    @discardableResult
    public func set(_ kind: RecordKind, id: String, values: [String: String]) throws -> (StoredRecord, [FieldChange]) {
        try write { writer in try set(kind, id: id, values: values, writer: &writer) }
    }

    /// `set` in `writer`'s transaction.
    func set(_ kind: RecordKind, id: String, values: [String: String], writer: inout ChangeWriter) throws -> (
        StoredRecord, [FieldChange]
    ) {
        try edit(kind, writer.db).set(id: id, values: values, writer: &writer)
    }

    /// The rules of a person's edit of `kind` on this node, in the transaction of `db`.
    func edit(_ kind: RecordKind, _ db: Database) -> RecordEdit {
        RecordEdit(kind: kind, editor: org, scope: writeScope, context: context(db)) { try Self.orgUnitIfAny($0, db) }
    }

    /// True when a record's `share` changes so that it reaches units it did not reach.
    public static func sharesFurther(from old: FieldValue, to new: FieldValue) -> Bool {
        let reach = ["subtree": 2, "children": 1]
        return (new.textValue.flatMap { reach[$0] } ?? 0) > (old.textValue.flatMap { reach[$0] } ?? 0)
    }

    /// What a new record of `kind` holds before anyone types (status 起草, confirmed today…),
    /// as text a form shows.
    public func defaults(_ kind: RecordKind) throws -> [String: String] {
        try store.read { db in kind.defaults(context(db)).mapValues(\.description) }
    }

    /// Deletes a record: it stays as a tombstone, so the deletion syncs like any edit.
    public func delete(_ kind: RecordKind, id: String) throws {
        try write { writer in try edit(kind, writer.db).delete(id: id, writer: &writer) }
    }

    /// The record with `id`, deleted or not.
    public func show(_ kind: RecordKind, id: String) throws -> StoredRecord {
        try store.read { db in
            guard let recordID = RecordID(id), let record = try fetch(kind, recordID, db: db) else {
                throw DomainError.notFound(kind: kind.name, id: id)
            }
            return record
        }
    }

    /// Live records of `kind` owned by `org` or units below it (default: the whole node),
    /// oldest first; with `shared`, also those that upper levels share down to `org`.
    public func list(_ kind: RecordKind, under org: String? = nil, includeDeleted: Bool = false, shared: Bool = false)
        throws -> [StoredRecord]
    {
        let table = try store.table(named: kind.table)
        return try store.read { db in
            let root = try orgUnit(org ?? self.org.code, db: db)
            let (scope, values) = RecordQuery.scope(table, root: root, own: true, shared: shared, dialect: .sqlite)
            let arguments = StatementArguments(values)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.* FROM \(kind.table) r JOIN org_unit o ON o.code = r.org
                    WHERE \(scope) \(includeDeleted ? "" : "AND r.deleted = 0")
                    ORDER BY r.created, r.id
                    """,
                arguments: arguments)
            return try rows.map { try StoredRecord(table: table, row: $0) }
        }
    }

    /// Org units at and below `code` (default: the whole hierarchy the node knows).
    public func orgs(under code: String? = nil) throws -> [OrgUnit] {
        try store.read { db in
            guard let code else { return try OrgUnit.order(Column("path")).fetchAll(db) }
            _ = try orgUnit(code, db: db)
            return try OrgUnit.subtree(of: code, in: db)
        }
    }

    // MARK: helpers shared with the ledger

    func context(_ db: Database) -> ValidationContext {
        ValidationContext(vocabulary: vocabulary, reader: db, now: store.wallClock.nowMilliseconds())
    }

    func orgUnit(_ code: String, db: Database) throws -> OrgUnit {
        guard let unit = try Self.orgUnitIfAny(code, db) else { throw DomainError.unknownOrg(code) }
        return unit
    }

    /// The org unit with `code`, if the node knows it.
    public func orgUnit(_ code: String) throws -> OrgUnit? {
        try store.read { db in try Self.orgUnitIfAny(code, db) }
    }

    static func orgUnitIfAny(_ code: String, _ db: Database) throws -> OrgUnit? {
        // A cached statement: every write asks, and building the query costs more than running it.
        try OrgUnit.fetchOne(db.cachedStatement(sql: "SELECT * FROM org_unit WHERE code = ?"), arguments: [code])
    }

    /// `code`'s unit, when it is inside the subtree this handle writes in (the node's, or
    /// that of the person it acts for).
    func writableOrg(_ code: String, db: Database) throws -> OrgUnit {
        try RecordEdit.writableOrg(code, scope: writeScope) { try Self.orgUnitIfAny($0, db) }
    }

    func fetch(_ kind: RecordKind, _ id: RecordID, db: Database) throws -> StoredRecord? {
        let table = try store.table(named: kind.table)
        return try Row.fetchOne(db, sql: "SELECT * FROM \(kind.table) WHERE id = ?", arguments: [id.rawValue])
            .map { try StoredRecord(table: table, row: $0) }
    }

    func liveRecord(_ kind: RecordKind, id: String, db: Database) throws -> StoredRecord {
        guard let recordID = RecordID(id), let record = try fetch(kind, recordID, db: db) else {
            throw DomainError.notFound(kind: kind.name, id: id)
        }
        if record.deleted { throw StoreError.recordDeleted(table: kind.table, id: id) }
        return record
    }

    /// `values` (field name → text as typed) parsed over `base`, required fields present,
    /// then the kind's rules across fields.
    ///
    /// The same on every store: a PostgreSQL hub's edits are parsed here too.
    ///
    /// - Throws: `DomainError.invalid` with every issue found, in the kind's field order.
    public static func parse(
        _ kind: RecordKind, _ values: [String: String], over base: [String: FieldValue], context: ValidationContext
    ) throws -> [String: FieldValue] {
        var record = base
        var issues: [String: FieldIssue] = [:]
        for (name, raw) in values {
            let spec = try kind.field(named: name)
            do {
                record[spec.field] = try spec.parse(raw, in: context)
            } catch let error as DomainError where !error.issues.isEmpty {
                issues[spec.field] = error.issues[0]
            }
        }
        for spec in kind.fields
        where spec.required && issues[spec.field] == nil && (record[spec.field] ?? .null) == .null {
            issues[spec.field] = .missing("--\(spec.flag)", kind: kind.name, hint: spec.summary)
        }
        guard issues.isEmpty else { throw DomainError.invalid(kind.fields.compactMap { issues[$0.field] }) }
        try kind.check(record)
        return record
    }
}
