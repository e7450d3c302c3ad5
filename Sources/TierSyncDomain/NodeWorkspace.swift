import TierSyncCore
import TierSyncSpreadsheet
import TierSyncStore

/// What a person does on a node from the command line, whatever stores it: a SQLite node
/// (`TierSyncNode`) and a hub on PostgreSQL (`PostgresHub`) both do it, with the same rules
/// (`RecordEdit` and what it calls), so a command is written once for both.
///
/// ```swift
/// let node: any NodeWorkspace = try options.openWorkspace()   // a file or a postgresql:// URL
/// let plan = try node.recordVerdict(plan: id, accepted: true, note: "同意备案")
/// ```
public protocol NodeWorkspace {
    // Records.
    func add(_ kind: RecordKind, org: String?, values: [String: String], id: RecordID?) throws -> StoredRecord
    func set(_ kind: RecordKind, id: String, values: [String: String]) throws -> (StoredRecord, [FieldChange])
    func delete(_ kind: RecordKind, id: String) throws
    func list(_ kind: RecordKind, under org: String?, includeDeleted: Bool, shared: Bool) throws -> [StoredRecord]
    func orgNames() throws -> [String: String]
    /// The reference vocabulary (the names shown for keys), as the node holds it now.
    func referenceVocabulary() throws -> Vocabulary
    func lastSequence() throws -> Int64

    // Approvals and conflicts.
    func approve(_ kind: RecordKind, id: String, note: String?) throws -> StoredRecord
    func unapprove(_ kind: RecordKind, id: String, note: String?) throws -> StoredRecord
    func approvalRule(_ kind: RecordKind) throws -> Bool
    func setApprovalRule(_ kind: RecordKind, childrenFirst: Bool) throws
    func resolveConflict(_ id: Int64, _ resolution: TierSyncNode.Resolution) throws -> StoredRecord
    func amendments(includeDecided: Bool, record: String?) throws -> [AmendmentView]
    func decideAmendment(_ id: String, accept: Bool, reason: String?) throws -> StoredRecord

    // Procedures between levels.
    func file(plan id: String, with code: String) throws -> StoredRecord
    func recordVerdict(plan id: String, accepted: Bool, note: String?) throws -> StoredRecord
    func filings() throws -> [StoredRecord]
    func requestCloseout(task id: String, note: String) throws -> StoredRecord
    func returnCloseout(task id: String, note: String) throws -> StoredRecord
    func markRead(directive id: String) throws -> StoredRecord
    func directiveReach(_ id: String) throws -> [TierSyncNode.DirectiveUnit]

    // The material ledger.
    func recordStock(_ movement: TierSyncNode.StockMovement, _ entry: TierSyncNode.StockEntry) throws -> StoredRecord
    func reverseStock(eventID: String, note: String?) throws -> StoredRecord
    func stockBalances(under org: String?) throws -> [StockBalance]

    // Files.
    func attach(_ kind: RecordKind, id: String, file path: String, name: String?) throws -> Attachment
    func attachments(record: String?, under org: String?, limit: Int) throws -> [Attachment]
    func saveAttachment(_ id: String, to path: String) throws -> Attachment
    func removeAttachment(_ id: String) throws

    // Spreadsheets and exports.
    func importSheet(_ sheet: Sheet, kind: ImportKind, encoding: String?, options: TierSyncNode.ImportOptions) throws
        -> ImportReport
    func templateSheets(_ kind: ImportKind) throws -> [Sheet]
    func exportSheets(_ kinds: [RecordKind], under org: String?) throws -> [Sheet]
    func exportJSON(table: String?, emit: (String) throws -> Void) throws
    func exportCSV(table name: String?, emit: (String) throws -> Void) throws
    func compact() throws -> TierSyncNode.Compaction

    // Sync by file.
    func exportBundle(to peerOrg: String, path: String) throws -> TierSyncNode.BundleSummary
    func importBundle(path: String, skewBound: Int64) throws -> TierSyncNode.BundleImport
}

extension NodeWorkspace {
    /// Accepts a pending amendment: the approving level takes the proposed value as its own
    /// edit, on top of both; the record stays approved.
    @discardableResult
    public func acceptAmendment(_ id: String, reason: String? = nil) throws -> StoredRecord {
        try decideAmendment(id, accept: true, reason: reason)
    }

    /// Rejects a pending amendment with a reason: the approved value is restated on top of
    /// it, and the edit stays in the record's history and in the decision record.
    @discardableResult
    public func rejectAmendment(_ id: String, reason: String) throws -> StoredRecord {
        try decideAmendment(id, accept: false, reason: reason)
    }

    /// The live attachments, newest first, of `record` only when given.
    public func attachments(record: String? = nil) throws -> [Attachment] {
        try attachments(record: record, under: nil, limit: .max)
    }

    /// Pending amendments, then (with `includeDecided`) the decided ones.
    public func amendments(includeDecided: Bool = true) throws -> [AmendmentView] {
        try amendments(includeDecided: includeDecided, record: nil)
    }

    /// The amendments of `record`, pending then decided.
    public func amendments(record: String) throws -> [AmendmentView] {
        try amendments(includeDecided: true, record: record)
    }

    /// Adds a record of `kind` with a new id (default org: the node's own).
    @discardableResult
    public func add(_ kind: RecordKind, org: String? = nil, values: [String: String]) throws -> StoredRecord {
        try add(kind, org: org, values: values, id: nil)
    }

    /// Live records of `kind` owned in `org`'s subtree (default: the whole node).
    public func list(_ kind: RecordKind, under org: String? = nil) throws -> [StoredRecord] {
        try list(kind, under: org, includeDeleted: false, shared: false)
    }

    /// Every editable kind, as sheets, of `org`'s subtree (default: the whole node).
    public func exportSheets(under org: String? = nil) throws -> [Sheet] {
        try exportSheets(RecordKind.editableKinds, under: org)
    }

    /// Applies a bundle, refusing changes stamped more than a day ahead of this node's clock.
    public func importBundle(path: String) throws -> TierSyncNode.BundleImport {
        try importBundle(path: path, skewBound: ChangeWriter.defaultSkewBound)
    }
}

extension TierSyncNode: NodeWorkspace {
    public func referenceVocabulary() throws -> Vocabulary { vocabulary }
}

extension TierSyncNode: WorkbenchNode {}
