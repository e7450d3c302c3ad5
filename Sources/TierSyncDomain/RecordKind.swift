import TierSyncCore

/// A kind of record people enter (plan, contact, drill...): its table, its fields as the
/// CLI takes them, defaults, and the rules that span fields.
public struct RecordKind: Sendable {
    /// The CLI noun: `tiersync plan add`.
    public let name: String
    public let table: String
    /// Chinese name for tables and messages.
    public let displayName: String
    public let fields: [FieldSpec]
    /// False for ledger events, which are immutable: a correction is a reversing event.
    public let editable: Bool
    /// How concurrent edits of this kind's records are merged, and field overrides.
    public let policy: MergePolicy
    public let fieldPolicies: [String: MergePolicy]
    /// Values for fields left out of `add`.
    public let defaults: @Sendable (ValidationContext) -> [String: FieldValue]
    /// Rules across fields, checked on the whole record after every add or set.
    let check: @Sendable ([String: FieldValue]) throws -> Void

    init(
        name: String, table: String, displayName: String, fields: [FieldSpec], editable: Bool = true,
        policy: MergePolicy, fieldPolicies: [String: MergePolicy] = [:],
        defaults: @escaping @Sendable (ValidationContext) -> [String: FieldValue] = { _ in [:] },
        check: @escaping @Sendable ([String: FieldValue]) throws -> Void = { _ in }
    ) {
        self.name = name
        self.table = table
        self.displayName = displayName
        self.fields = fields
        self.editable = editable
        self.policy = policy
        self.fieldPolicies = fieldPolicies
        self.defaults = defaults
        self.check = check
    }

    /// The field a CLI name, column name or alias refers to.
    public func field(named name: String) throws -> FieldSpec {
        guard let spec = fields.first(where: { $0.isNamed(name) }) else {
            throw DomainError.unknownField(name, kind: self.name, allowed: fields.map(\.flag))
        }
        return spec
    }

    /// The kinds people enter through `tiersync KIND add|set|delete|list|show`.
    public static let editableKinds: [RecordKind] = [
        .plan, .contact, .drill, .report, .task, .directive, .deadlineExtension,
    ]
    /// Every kind, ledgers included.
    public static let all: [RecordKind] = editableKinds + [.materialItem, .stockEvent]

    public static func named(_ name: String) -> RecordKind? { all.first { $0.name == name } }

    /// The kinds an upper level approves (a filed plan, a period's report, a task's close-out).
    public static let approvable: [RecordKind] = [.plan, .report, .task]
    public var isApprovable: Bool { Self.approvable.contains { $0.table == table } }

    /// The merge policies of every kind, as the store applies them (README, "How edits merge"):
    /// an approval's fields are the approving level's, and lock the rest of the record.
    public static let mergePolicies = MergePolicies(
        // Receipts and decisions on amendments are facts written once where they happen.
        tables: Dictionary(uniqueKeysWithValues: all.map { ($0.table, $0.policy) }).merging(
            ["receipt": MergePolicy(.appendOnly), "amendment_review": MergePolicy(.appendOnly)]
        ) { kind, _ in kind },
        fields: Dictionary(
            uniqueKeysWithValues: all.map { kind in
                (
                    kind.table,
                    kind.fieldPolicies.merging(
                        kind.isApprovable ? Approval.fields.map { ($0, MergePolicy(.upperLevelWins)) } : [],
                        uniquingKeysWith: { a, _ in a })
                )
            }),
        locks: Dictionary(
            uniqueKeysWithValues: approvable.map {
                ($0.table, MergePolicies.LockedFields(lockField: Approval.lockField, open: Set(Approval.fields)))
            }))
    public static func forTable(_ table: String) -> RecordKind? { all.first { $0.table == table } }
}
