import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncSpreadsheet
import TierSyncStore

/// The edits a hub takes, on either store: the same call made on a SQLite node or on a hub
/// on PostgreSQL, so that a test makes the same edits on both and compares what they give.
enum Editing: CustomStringConvertible {
    case sqlite(TierSyncNode)
    case postgres(PostgresHub)

    var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    func add(_ kind: RecordKind, org: String?, values: [String: String], id: RecordID?) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.add(kind, org: org, values: values, id: id)
        case .postgres(let hub): try hub.add(kind, org: org, values: values, id: id)
        }
    }

    func set(_ kind: RecordKind, id: String, values: [String: String]) throws -> (StoredRecord, [FieldChange]) {
        switch self {
        case .sqlite(let node): try node.set(kind, id: id, values: values)
        case .postgres(let hub): try hub.set(kind, id: id, values: values)
        }
    }

    func delete(_ kind: RecordKind, id: String) throws {
        switch self {
        case .sqlite(let node): try node.delete(kind, id: id)
        case .postgres(let hub): try hub.delete(kind, id: id)
        }
    }

    func approve(_ kind: RecordKind, id: String, note: String?) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.approve(kind, id: id, note: note)
        case .postgres(let hub): try hub.approve(kind, id: id, note: note)
        }
    }

    func unapprove(_ kind: RecordKind, id: String, note: String?) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.unapprove(kind, id: id, note: note)
        case .postgres(let hub): try hub.unapprove(kind, id: id, note: note)
        }
    }

    func setApprovalRule(_ kind: RecordKind, childrenFirst: Bool) throws {
        switch self {
        case .sqlite(let node): try node.setApprovalRule(kind, childrenFirst: childrenFirst)
        case .postgres(let hub): try hub.setApprovalRule(kind, childrenFirst: childrenFirst)
        }
    }

    func lastSequence() throws -> Int64 {
        switch self {
        case .sqlite(let node): try node.lastSequence()
        case .postgres(let hub): try hub.lastSequence()
        }
    }
}

extension Editing {
    func recordVerdict(plan id: String, accepted: Bool, note: String?) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.recordVerdict(plan: id, accepted: accepted, note: note)
        case .postgres(let hub): try hub.recordVerdict(plan: id, accepted: accepted, note: note)
        }
    }

    func file(plan id: String, with code: String) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.file(plan: id, with: code)
        case .postgres(let hub): try hub.file(plan: id, with: code)
        }
    }

    func filings() throws -> [StoredRecord] {
        switch self {
        case .sqlite(let node): try node.filings()
        case .postgres(let hub): try hub.filings()
        }
    }

    func requestCloseout(task id: String, note: String) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.requestCloseout(task: id, note: note)
        case .postgres(let hub): try hub.requestCloseout(task: id, note: note)
        }
    }

    func returnCloseout(task id: String, note: String) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.returnCloseout(task: id, note: note)
        case .postgres(let hub): try hub.returnCloseout(task: id, note: note)
        }
    }

    func markRead(directive id: String) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.markRead(directive: id)
        case .postgres(let hub): try hub.markRead(directive: id)
        }
    }

    func directiveReach(_ id: String) throws -> [TierSyncNode.DirectiveUnit] {
        switch self {
        case .sqlite(let node): try node.directiveReach(id)
        case .postgres(let hub): try hub.directiveReach(id)
        }
    }

    func recordStock(_ movement: TierSyncNode.StockMovement, _ entry: TierSyncNode.StockEntry) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.recordStock(movement, entry)
        case .postgres(let hub): try hub.recordStock(movement, entry)
        }
    }

    func reverseStock(eventID: String, note: String?) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.reverseStock(eventID: eventID, note: note)
        case .postgres(let hub): try hub.reverseStock(eventID: eventID, note: note)
        }
    }

    func stockBalances(under org: String? = nil) throws -> [StockBalance] {
        switch self {
        case .sqlite(let node): try node.stockBalances(under: org)
        case .postgres(let hub): try hub.stockBalances(under: org)
        }
    }
}

extension Editing {
    func attach(_ kind: RecordKind, id: String, file: String, name: String? = nil) throws -> TierSyncDomain.Attachment {
        switch self {
        case .sqlite(let node): try node.attach(kind, id: id, file: file, name: name)
        case .postgres(let hub): try hub.attach(kind, id: id, file: file, name: name)
        }
    }

    func attachments(record: String? = nil) throws -> [TierSyncDomain.Attachment] {
        switch self {
        case .sqlite(let node): try node.attachments(record: record)
        case .postgres(let hub): try hub.attachments(record: record)
        }
    }

    func saveAttachment(_ id: String, to path: String) throws -> TierSyncDomain.Attachment {
        switch self {
        case .sqlite(let node): try node.saveAttachment(id, to: path)
        case .postgres(let hub): try hub.saveAttachment(id, to: path)
        }
    }

    func removeAttachment(_ id: String) throws {
        switch self {
        case .sqlite(let node): try node.removeAttachment(id)
        case .postgres(let hub): try hub.removeAttachment(id)
        }
    }

    var hub: any SyncHub {
        switch self {
        case .sqlite(let node): node
        case .postgres(let hub): hub
        }
    }
}

extension Editing {
    func amendments(includeDecided: Bool = true) throws -> [AmendmentView] {
        switch self {
        case .sqlite(let node): try node.amendments(includeDecided: includeDecided)
        case .postgres(let hub): try hub.amendments(includeDecided: includeDecided)
        }
    }

    func acceptAmendment(_ id: String, reason: String?) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.acceptAmendment(id, reason: reason)
        case .postgres(let hub): try hub.acceptAmendment(id, reason: reason)
        }
    }

    func rejectAmendment(_ id: String, reason: String) throws -> StoredRecord {
        switch self {
        case .sqlite(let node): try node.rejectAmendment(id, reason: reason)
        case .postgres(let hub): try hub.rejectAmendment(id, reason: reason)
        }
    }
}

extension Editing {
    func importSheet(_ sheet: Sheet, kind: ImportKind, options: TierSyncNode.ImportOptions) throws -> ImportReport {
        switch self {
        case .sqlite(let node): try node.importSheet(sheet, kind: kind, options: options)
        case .postgres(let hub): try hub.importSheet(sheet, kind: kind, options: options)
        }
    }
}

extension Editing {
    func compact() throws -> TierSyncNode.Compaction {
        switch self {
        case .sqlite(let node): try node.compact()
        case .postgres(let hub): try hub.compact()
        }
    }
}
