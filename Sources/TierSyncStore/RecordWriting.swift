import TierSyncCore

/// What a person's edit writes through, on either store: `ChangeWriter` writes a SQLite
/// node's rows and log directly; `LocalEdit` makes the edit as changes through the merge (a
/// hub on PostgreSQL). The rules of an edit (the domain's `RecordEdit`) are written once,
/// over this.
///
/// ```swift
/// func rename(_ id: RecordID, writer: inout some RecordWriting) throws {
///     try writer.update(
///         table: "contact", id: id, fields: ["name": .text("示例·王一")], rewrite: [],
///         settlement: "superseded by an edit made on top of it", onTopOfRecord: false)
/// }
/// ```
public protocol RecordWriting {
    /// Inserts a new record; a change for each non-null field (there must be one).
    @discardableResult
    mutating func insert(table: String, id: RecordID, org: String, fields: [String: FieldValue]) throws
        -> [FieldChange]

    /// Sets fields of a live record: changes for those whose value differs (or in `rewrite`),
    /// each on top of every version of it kept here (and of the whole record, for the fields
    /// in an `onTopOfRecord` write: an approval); `settlement` describes the conflicts ended.
    @discardableResult
    mutating func update(
        table: String, id: RecordID, fields: [String: FieldValue], rewrite: Set<String>, settlement: String,
        onTopOfRecord: Bool
    ) throws -> [FieldChange]

    /// Deletes (`true`) or restores (`false`) a record, on top of all it has seen; deleting
    /// a deleted record is refused unless `again` (confirming a delete a conflict contests).
    @discardableResult
    mutating func setDeleted(_ deleted: Bool, table: String, id: RecordID, again: Bool, settlement: String) throws
        -> FieldChange

    /// The record, deleted or not; nil when there is none.
    func fetch(table: String, id: RecordID) throws -> StoredRecord?
}

extension RecordWriting {
    /// Marks a record deleted: a tombstone, logged as the `_deleted` field set to 1, made on
    /// top of every version of the record this node has seen.
    @discardableResult
    public mutating func delete(table: String, id: RecordID) throws -> FieldChange {
        try setDeleted(true, table: table, id: id, again: false, settlement: "superseded by a delete made on top of it")
    }
}

extension ChangeWriter: RecordWriting {}
