/// How concurrent versions of a field are ranked, declared per table or per field.
///
/// The rank only chooses among concurrent versions; it never lets an old value beat an edit
/// made on top of it (DESIGN.md, "Merge").
///
/// ```swift
/// let policy = MergePolicy(.ownerWins, needsReview: true)
/// policy.rank(origin: townshipPath, owner: townshipPath)   // 1: the owner's edit outranks
/// ```
public struct MergePolicy: Hashable, Sendable, CustomStringConvertible {
    public enum Winner: String, Hashable, Sendable, CaseIterable {
        /// All concurrent versions rank equal; the latest stamp is shown.
        case lastWriterWins = "last-writer-wins"
        /// An edit by a node of the record's owning org outranks concurrent edits by others.
        case ownerWins = "owner-wins"
        /// An edit by a node higher in the hierarchy outranks edits from below: for what upper
        /// levels issue downward (directives, shared directories, filing verdicts).
        case upperLevelWins = "upper-level-wins"
        /// Ledger events: written once where they happen, never merged, only added.
        case appendOnly = "append-only"
    }

    public var winner: Winner
    /// Conflicts are settled by the rank so that replicas converge, but stay listed as
    /// needing a person's review until someone resolves them.
    public var needsReview: Bool

    public init(_ winner: Winner, needsReview: Bool = false) {
        self.winner = winner
        self.needsReview = needsReview
    }

    public static let lastWriterWins = MergePolicy(.lastWriterWins)

    /// The rank of a version made by a node of the org at `origin` (a path such as
    /// `520000/520200/520201`), on a record owned by the org at `owner`; nil paths are orgs
    /// this node does not know, which rank lowest.
    public func rank(origin: String?, owner: String?) -> Int {
        switch winner {
        case .lastWriterWins, .appendOnly:
            return 0
        case .ownerWins:
            return origin != nil && origin == owner ? 1 : 0
        case .upperLevelWins:
            guard let origin else { return -1_000 }
            return -origin.split(separator: "/").count
        }
    }

    public var description: String { winner.rawValue + (needsReview ? " (review)" : "") }
}

/// The merge policies of every synced table: a policy per table and overrides per field,
/// and the tables whose records an upper level can lock by approving them.
public struct MergePolicies: Sendable {
    public var tables: [String: MergePolicy] { didSet { byTable = Self.index(tables, fields, fallback) } }
    public var fields: [String: [String: MergePolicy]] { didSet { byTable = Self.index(tables, fields, fallback) } }
    public var fallback: MergePolicy { didSet { byTable = Self.index(tables, fields, fallback) } }
    /// Per table, its policy and its fields' own: one lookup of the table a change, not two
    /// (the merge asks for every change it applies).
    private var byTable: [String: (table: MergePolicy, fields: [String: MergePolicy])]
    /// Per table, the field that holds the approving org of an approved record (see
    /// `RecordLock`) and the fields the approval does not lock (its own).
    public var locks: [String: LockedFields]

    /// Which field of a table holds its approval, and which fields the approval leaves open.
    public struct LockedFields: Sendable, Hashable {
        /// Holds the approving org's code while the record is approved, null otherwise.
        public var lockField: String
        /// Fields that stay writable from above under the lock: the approval's own.
        public var open: Set<String>

        public init(lockField: String, open: Set<String>) {
            self.lockField = lockField
            self.open = open.union([lockField])
        }

        /// True when the approval locks `field` (`_deleted` included).
        public func locks(_ field: String) -> Bool { !open.contains(field) }
    }

    public init(
        tables: [String: MergePolicy] = [:], fields: [String: [String: MergePolicy]] = [:],
        fallback: MergePolicy = .lastWriterWins, locks: [String: LockedFields] = [:]
    ) {
        self.tables = tables
        self.fields = fields
        self.fallback = fallback
        self.locks = locks
        self.byTable = Self.index(tables, fields, fallback)
    }

    public func policy(table: String, field: String) -> MergePolicy {
        guard let policies = byTable[table] else { return fallback }
        return policies.fields.isEmpty ? policies.table : policies.fields[field] ?? policies.table
    }

    private static func index(
        _ tables: [String: MergePolicy], _ fields: [String: [String: MergePolicy]], _ fallback: MergePolicy
    ) -> [String: (table: MergePolicy, fields: [String: MergePolicy])] {
        var index: [String: (table: MergePolicy, fields: [String: MergePolicy])] = [:]
        for table in Set(tables.keys).union(fields.keys) {
            index[table] = (tables[table] ?? fallback, fields[table] ?? [:])
        }
        return index
    }
}
