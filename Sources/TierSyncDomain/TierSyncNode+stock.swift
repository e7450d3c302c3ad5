import Foundation
import GRDB
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
        let context = context(writer.db)
        let org = try writableOrg(entry.org ?? self.org.code, db: writer.db).code
        let item = try resolveItem(entry, org: org, createIfMissing: movement == .receive, writer: &writer)
        let kind = RecordKind.stockEvent
        var fields: [String: FieldValue] = [
            "item": .text(item), "kind": .text(movement.rawValue),
            "site": try kind.field(named: "site").parse(entry.site, in: context),
            "quantity": try (movement == .count ? Self.countedSpec : kind.field(named: "quantity")).parse(
                entry.quantity, in: context),
            "occurred_on": try kind.field(named: "occurred_on").parse(entry.date ?? context.today, in: context),
            "note": try kind.field(named: "note").parse(entry.note ?? "", in: context),
        ]
        let quantity = fields["quantity"]!.doubleValue!
        let site = fields["site"]!.textValue!
        let held = try StockBalance.quantity(writer.db, item: item, org: org, site: site)
        switch movement {
        case .receive:
            fields["delta"] = .real(quantity)
            fields["source"] = try kind.field(named: "source").parse(entry.source ?? "", in: context)
        case .issue, .transfer:
            guard quantity <= held + 1e-9 else {
                throw DomainError.insufficientStock(
                    item: entry.item, site: site, held: FieldValue.real(held).description,
                    requested: FieldValue.real(quantity).description)
            }
            fields["delta"] = .real(-quantity)
            if movement == .transfer {
                // The receiving org's balance is derived from this event, so it must be
                // an org whose records this node may write and its peers will see.
                let toOrg = FieldValue.text(try writableOrg(entry.toOrg ?? org, db: writer.db).code)
                let toSite = try kind.field(named: "to_site").parse(entry.toSite ?? "", in: context)
                guard toSite != .null else {
                    throw DomainError.missingField("--to-site", kind: "stock transfer", hint: "the receiving site")
                }
                guard toSite != .text(site) || toOrg != .text(org) else {
                    throw DomainError.invalidValue(
                        field: "to-site", value: site, allowed: "a site other than the one stock leaves")
                }
                (fields["to_org"], fields["to_site"]) = (toOrg, toSite)
            }
        case .count:
            fields["delta"] = .real(StockBalance.rounded(quantity - held))
        }
        var random = SystemRandomNumberGenerator()
        let id = RecordID.random(using: &random)
        try writer.insert(table: kind.table, id: id, org: org, fields: fields)
        return try writer.fetch(table: kind.table, id: id)!
    }

    /// Records an event that undoes `eventID` (a correction), refused when the event was
    /// already reversed or when undoing it would leave a site with negative stock.
    @discardableResult
    public func reverseStock(eventID: String, note: String? = nil) throws -> StoredRecord {
        try write { writer in
            let original = try liveRecord(.stockEvent, id: eventID, db: writer.db)
            _ = try writableOrg(original.org, db: writer.db)
            guard original["kind"] != .text("reversal") else {
                throw DomainError.invalidValue(
                    field: "event", value: eventID,
                    allowed: "a movement, not a reversal (record the movement again instead)")
            }
            if try Bool.fetchOne(
                writer.db, sql: "SELECT 1 FROM stock_event WHERE reverses = ? AND deleted = 0",
                arguments: [eventID.lowercased()]) == true
            {
                throw DomainError.invalidValue(field: "event", value: eventID, allowed: "an event not reversed yet")
            }
            let delta = -(original["delta"].doubleValue ?? 0)
            var fields = original.fields
            fields["kind"] = .text("reversal")
            fields["delta"] = .real(delta)
            fields["reverses"] = .text(original.id.rawValue)
            fields["occurred_on"] = .text(context(writer.db).today)
            fields["note"] = note.map { .text($0) } ?? .null
            var random = SystemRandomNumberGenerator()
            let id = RecordID.random(using: &random)
            try writer.insert(table: RecordKind.stockEvent.table, id: id, org: original.org, fields: fields)
            let item = original["item"].textValue ?? ""
            var affected = [(original.org, original["site"].textValue ?? "")]
            if let toSite = original["to_site"].textValue, let toOrg = original["to_org"].textValue {
                affected.append((toOrg, toSite))
            }
            for (org, site) in affected
            where try StockBalance.quantity(writer.db, item: item, org: org, site: site) < -1e-9 {
                throw DomainError.invalidValue(
                    field: "event", value: eventID,
                    allowed:
                        "an event whose reversal leaves no negative stock (site '\(site)' of \(org) has since issued it)"
                )
            }
            return try writer.fetch(table: RecordKind.stockEvent.table, id: id)!
        }
    }

    /// Balances of every item at every site in `org`'s subtree (default: the node's).
    public func stockBalances(under org: String? = nil) throws -> [StockBalance] {
        try store.read { db in try StockBalance.fetchAll(db, underPath: try orgUnit(org ?? self.org.code, db: db).path)
        }
    }

    /// The id of the item `entry.item` names (an id, or a name within `org`); creates it on
    /// receipt when `newItem` describes it.
    private func resolveItem(
        _ entry: StockEntry, org: String, createIfMissing: Bool, writer: inout ChangeWriter
    ) throws -> String {
        if let id = RecordID(entry.item) {
            guard let item = try fetch(.materialItem, id, db: writer.db), !item.deleted else {
                throw DomainError.notFound(kind: "material item", id: entry.item)
            }
            return item.id.rawValue
        }
        let name = entry.item.trimmingCharacters(in: .whitespaces)
        if let id = try String.fetchOne(
            writer.db,
            sql: "SELECT id FROM material_item WHERE org = ? AND name = ? AND deleted = 0 ORDER BY created LIMIT 1",
            arguments: [org, name])
        {
            return id
        }
        guard createIfMissing else {
            let known = try String.fetchAll(
                writer.db, sql: "SELECT name FROM material_item WHERE org = ? AND deleted = 0 ORDER BY name",
                arguments: [org])
            throw DomainError.invalidValue(
                field: "item", value: entry.item,
                allowed: "an item id or the name of an item of \(org)"
                    + (known.isEmpty ? " (it has none yet: receive stock first)" : ": " + known.joined(separator: ", "))
            )
        }
        let kind = RecordKind.materialItem
        let context = context(writer.db)
        var fields = kind.defaults(context)
        fields["name"] = try kind.field(named: "name").parse(name, in: context)
        for (key, raw) in entry.newItem {
            let spec = try kind.field(named: key)
            fields[spec.field] = try spec.parse(raw, in: context)
        }
        for spec in kind.fields where spec.required && (fields[spec.field] ?? .null) == .null {
            throw DomainError.missingField(
                "--\(spec.flag)", kind: "new item '\(name)'",
                hint: "it is new at \(org), so give --category and --unit to create it")
        }
        var random = SystemRandomNumberGenerator()
        let id = RecordID.random(using: &random)
        try writer.insert(table: kind.table, id: id, org: org, fields: fields)
        return id.rawValue
    }
}
