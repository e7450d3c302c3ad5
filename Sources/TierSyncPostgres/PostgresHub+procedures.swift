import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// A hub on PostgreSQL taking part in the procedures between levels and keeping a material
/// ledger of its own, as a SQLite node does: the same rules (`RecordEdit`), each one
/// transaction holding the writer lock (`edit(_:_:)`).
///
/// ```swift
/// try city.recordVerdict(plan: id, accepted: true, note: "同意备案")
/// try city.recordStock(.receive, .init(item: "帐篷", site: "市级储备库", quantity: "200", newItem: ["category": "shelter", "unit": "顶"]))
/// ```
extension PostgresHub {
    /// Files a plan of this hub's unit (or of one below it) with `code`, an org above the
    /// plan's unit; its verdict is pending until that org records one.
    @discardableResult
    public func file(plan id: String, with code: String) throws -> StoredRecord {
        try edit(.plan) { edit, writer, _ in try edit.file(plan: id, with: code, writer: &writer) }
    }

    /// Records this hub's verdict on a plan filed with its unit: `accepted` also approves
    /// (locks) it; `returned` lifts this unit's approval so that it can be revised.
    @discardableResult
    public func recordVerdict(plan id: String, accepted: Bool, note: String?) throws -> StoredRecord {
        try edit(.plan) { edit, writer, _ in
            try edit.recordVerdict(plan: id, accepted: accepted, note: note, approver: actorName, writer: &writer)
        }
    }

    /// Plans filed with this hub's unit, oldest filing first.
    public func filings() throws -> [StoredRecord] {
        TierSyncNode.filings(of: try list(.plan), with: hubOrg.code)
    }

    /// The units a directive reaches, each with whether it arrived there and was read.
    public func directiveReach(_ id: String) throws -> [TierSyncNode.DirectiveUnit] {
        try store.read { session in
            try TierSyncNode.directiveReach(try record(.directive, id: id, session), in: session)
        }
    }

    /// Asks for the close-out of a task of this hub's unit (申请销号).
    @discardableResult
    public func requestCloseout(task id: String, note: String) throws -> StoredRecord {
        try edit(.task) { edit, writer, _ in try edit.requestCloseout(task: id, note: note, writer: &writer) }
    }

    /// Returns a close-out request of a unit below (退回): the task is open again.
    @discardableResult
    public func returnCloseout(task id: String, note: String) throws -> StoredRecord {
        try edit(.task) { edit, writer, _ in try edit.returnCloseout(task: id, note: note, writer: &writer) }
    }

    /// Notes that this hub's unit read a directive from above: a receipt that syncs up.
    @discardableResult
    public func markRead(directive id: String) throws -> StoredRecord {
        try edit(.directive) { edit, writer, _ in
            try edit.markRead(directive: id, reader: actorName, directory: writer.directory, writer: &writer)
        }
    }

    /// Records a stock movement of this hub's unit (or of one below it) and returns the
    /// event; an issue or transfer of more than the site holds is refused.
    @discardableResult
    public func recordStock(_ movement: TierSyncNode.StockMovement, _ entry: TierSyncNode.StockEntry) throws
        -> StoredRecord
    {
        try edit(.stockEvent) { edit, writer, _ in try edit.recordStock(movement, entry, writer: &writer) }
    }

    /// Records an event that undoes the stock event `eventID`.
    @discardableResult
    public func reverseStock(eventID: String, note: String? = nil) throws -> StoredRecord {
        try edit(.stockEvent) { edit, writer, _ in try edit.reverseStock(eventID: eventID, note: note, writer: &writer)
        }
    }

    /// Balances of every item at every site in `org`'s subtree (default: the hub's).
    public func stockBalances(under org: String? = nil) throws -> [StockBalance] {
        try store.read { session in
            guard let unit = try Self.orgUnit(org ?? hubOrg.code, session) else {
                throw DomainError.unknownOrg(org ?? hubOrg.code)
            }
            return try StockBalance.fetchAll(session, underPath: unit.path)
        }
    }
}
