import TierSyncCore
import TierSyncStore

/// The material ledger: stock events are immutable; balances are derived from them.
extension TierSyncNode {
    /// What a stock command says about one movement, as typed on the CLI.
    public struct StockEntry: Sendable {
        /// Owning org of the event (default: the node's own).
        public var org: String?
        /// Item id, or item name within the org.
        public var item: String
        public var site: String
        public var quantity: String
        public var date: String?
        public var note: String?
        /// Receive: where the stock came from.
        public var source: String?
        /// Receive of an item not yet known: its other fields (category, unit, reserve-kind, custodian).
        public var newItem: [String: String]
        /// Transfer: the receiving site and org (default: the same org).
        public var toSite: String?
        public var toOrg: String?

        public init(
            org: String? = nil, item: String, site: String, quantity: String, date: String? = nil,
            note: String? = nil, source: String? = nil, newItem: [String: String] = [:],
            toSite: String? = nil, toOrg: String? = nil
        ) {
            self.org = org
            self.item = item
            self.site = site
            self.quantity = quantity
            self.date = date
            self.note = note
            self.source = source
            self.newItem = newItem
            self.toSite = toSite
            self.toOrg = toOrg
        }
    }

    public enum StockMovement: String, Sendable, CaseIterable {
        case receive, issue, transfer, count
    }

    /// A stocktake's quantity is the balance counted, which may be zero.
    static let countedSpec = FieldSpec(
        "quantity", .quantity(allowsZero: true), required: true, summary: "the balance counted")

    /// Records a stock movement and returns the event. An issue or transfer of more than
    /// the site holds is refused; a count records the difference to the counted balance.
    @discardableResult
    public func recordStock(_ movement: StockMovement, _ entry: StockEntry) throws -> StoredRecord {
        try write { writer in try recordStock(movement, entry, writer: &writer) }
    }

    /// `recordStock` in `writer`'s transaction.
    func recordStock(_ movement: StockMovement, _ entry: StockEntry, writer: inout ChangeWriter) throws
        -> StoredRecord
    {
        try edit(.stockEvent, writer.db).recordStock(movement, entry, writer: &writer)
    }

    /// Records an event that undoes `eventID` (a correction), refused when the event was
    /// already reversed or when undoing it would leave a site with negative stock.
    @discardableResult
    public func reverseStock(eventID: String, note: String? = nil) throws -> StoredRecord {
        try write { writer in
            try edit(.stockEvent, writer.db).reverseStock(eventID: eventID, note: note, writer: &writer)
        }
    }

    /// Balances of every item at every site in `org`'s subtree (default: the node's).
    public func stockBalances(under org: String? = nil) throws -> [StockBalance] {
        try store.read { db in try StockBalance.fetchAll(db, underPath: try orgUnit(org ?? self.org.code, db: db).path)
        }
    }
}
