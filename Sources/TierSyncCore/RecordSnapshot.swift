/// One record's whole state as a node keeps it: its row (values and the version of every
/// field) and the versions it keeps beside the shown ones (open conflicts). A new node is
/// bootstrapped from these rather than from the log's history: one row per record instead of
/// one log entry per field, with the same result as replaying the log.
///
/// ```swift
/// let snapshot = RecordSnapshot(table: "contact", id: id, org: "520201101", created: stamp,
///                               updated: stamp, deleted: false, versions: versions.encoded,
///                               fields: [.init("name", .text("张三"))])
/// snapshot.changes()   // the field changes a log pull would have sent for it
/// ```
public struct RecordSnapshot: Hashable, Sendable {
    /// A version kept beside the shown one: a conflict loser, or a field edit made without
    /// seeing the record's delete.
    public struct Kept: Hashable, Sendable {
        /// `concurrent` or `deleted-while-edited`, as the conflict table names them.
        public var kind: String
        public var field: String
        public var versioned: VersionedValue
        public var needsReview: Bool
        /// Wall-clock milliseconds when the sending node found the conflict.
        public var detectedAt: Int64

        public init(kind: String, field: String, versioned: VersionedValue, needsReview: Bool, detectedAt: Int64) {
            self.kind = kind
            self.field = field
            self.versioned = versioned
            self.needsReview = needsReview
            self.detectedAt = detectedAt
        }
    }

    /// One field's value.
    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: FieldValue

        public init(_ name: String, _ value: FieldValue) {
            self.name = name
            self.value = value
        }
    }

    public var table: String
    public var id: RecordID
    public var org: String
    public var created: HLCTimestamp
    public var updated: HLCTimestamp
    public var deleted: Bool
    /// The row's versions column as stored (`FieldVersions.encoded`).
    public var versions: String
    /// Field values, in the table's order where the sender keeps one; null fields may be
    /// left out. An array, not a dictionary: a bootstrap handles millions of these.
    public var fields: [Field]
    public var kept: [Kept]

    public init(
        table: String, id: RecordID, org: String, created: HLCTimestamp, updated: HLCTimestamp, deleted: Bool,
        versions: String, fields: [Field], kept: [Kept] = []
    ) {
        self.table = table
        self.id = id
        self.org = org
        self.created = created
        self.updated = updated
        self.deleted = deleted
        self.versions = versions
        self.fields = fields
        self.kept = kept
    }

    /// The field changes that carry this state: the shown version of every field (and of the
    /// delete mark), then the kept ones. Applying them to a node that lacks the record gives
    /// the same record; nil when the versions are malformed.
    public func changes() -> [FieldChange]? {
        guard let parsed = FieldVersions(parsing: versions) else { return nil }
        var changes: [FieldChange] = []
        func append(_ field: String, _ versioned: VersionedValue) {
            changes.append(FieldChange(table, id, org, field, versioned))
        }
        let values = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        var names = Set(values.keys).union(parsed.byField.keys)
        names.remove(FieldChange.deletedField)
        for name in names.sorted() {
            let value = values[name] ?? .null
            guard let version = parsed.version(of: name, isSet: !value.isNull) else { continue }
            append(name, VersionedValue(value: value, version: version))
        }
        if let deletion = parsed[FieldChange.deletedField] {
            append(FieldChange.deletedField, VersionedValue(value: .integer(deleted ? 1 : 0), version: deletion))
        }
        for loser in kept { append(loser.field, loser.versioned) }
        return changes
    }
}

extension RecordSnapshot {
    /// Where a snapshot is: the last record sent, by table and id. Snapshots go table by
    /// table in name order and by id within a table, so a key is all a resumed transfer needs.
    ///
    /// ```swift
    /// RecordSnapshot.Key(parsing: "contact/6f9619ff-8b86-d011-b42d-00cf4fc964ff")?.table  // "contact"
    /// ```
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var table: String
        public var id: String

        public init(table: String, id: String) {
            self.table = table
            self.id = id
        }

        /// Parses `table/id`; nil for anything else.
        public init?(parsing text: String) {
            guard let slash = text.firstIndex(of: "/"), slash != text.startIndex else { return nil }
            let id = text[text.index(after: slash)...]
            guard !id.isEmpty, !id.contains("/") else { return nil }
            self.init(table: String(text[..<slash]), id: String(id))
        }

        public var description: String { "\(table)/\(id)" }
    }

    public var key: Key { Key(table: table, id: id.rawValue) }
}
