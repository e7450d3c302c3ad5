/// One edit of one field of one record: the unit that the change log stores and sync moves.
///
/// A local write of a record produces one change per field whose value changed, all with
/// the same stamp. Remote changes keep the stamp, node and vector they were made with.
///
/// ```swift
/// FieldChange(table: "contact", record: id, org: "520201101", field: "phone",
///             value: .text("13900001111"), hlc: stamp, node: me,
///             versionVector: VersionVector().incremented(for: me))
/// ```
public struct FieldChange: Hashable, Sendable {
    /// The field that marks a record deleted (a tombstone); `1` when deleted.
    public static let deletedField = "_deleted"

    public var table: String
    public var record: RecordID
    /// The owning org unit's code; a record's scope, fixed when it is created.
    public var org: String
    public var field: String
    public var value: FieldValue
    public var hlc: HLCTimestamp
    /// The node where the edit was made.
    public var node: NodeID
    /// The field's version vector after this edit, the edit itself included.
    public var versionVector: VersionVector

    public init(
        table: String, record: RecordID, org: String, field: String, value: FieldValue,
        hlc: HLCTimestamp, node: NodeID, versionVector: VersionVector
    ) {
        self.table = table
        self.record = record
        self.org = org
        self.field = field
        self.value = value
        self.hlc = hlc
        self.node = node
        self.versionVector = versionVector
    }

    /// Whether both changes are fields of one write: the same record, stamp, node and vector.
    /// The log keeps a write's fields in one row.
    public func isSameWrite(as other: FieldChange) -> Bool {
        hlc == other.hlc && node == other.node && record == other.record && table == other.table
            && org == other.org && versionVector == other.versionVector
    }

    /// The change that gives `field` of a record the value and version of `versioned`.
    public init(_ table: String, _ record: RecordID, _ org: String, _ field: String, _ versioned: VersionedValue) {
        self.init(
            table: table, record: record, org: org, field: field, value: versioned.value, hlc: versioned.version.hlc,
            node: versioned.version.node, versionVector: versioned.version.versionVector)
    }

    /// The version this change carries, without its value.
    public var version: FieldVersion {
        FieldVersion(hlc: hlc, node: node, versionVector: versionVector)
    }
}
