import TierSyncCore
import TierSyncStore

/// The material ledger's movements, on either store: stock events are immutable (a
/// correction is a reversing event) and balances are derived from them, read in the
/// edit's transaction so that no issue takes more than a site holds.
///
/// ```swift
/// let ledger = RecordEdit(kind: .stockEvent, editor: org, scope: org, context: context) { try unit($0) }
/// let event = try ledger.recordStock(.issue, .init(item: "编织袋", site: "一号库", quantity: "200"), writer: &writer)
/// ```
extension RecordEdit {
    /// Records a stock movement and returns the event. An issue or transfer of more than
    /// the site holds is refused; a count records the difference to the counted balance.
    public func recordStock(
        _ movement: TierSyncNode.StockMovement, _ entry: TierSyncNode.StockEntry, writer: inout some RecordWriting
    ) throws -> StoredRecord {
        let org = try writableOrg(entry.org ?? editor.code).code
        let item = try resolveItem(entry, org: org, createIfMissing: movement == .receive, writer: &writer)
        let kind = RecordKind.stockEvent
        var fields: [String: FieldValue] = [
            "item": .text(item), "kind": .text(movement.rawValue),
            "site": try kind.field(named: "site").parse(entry.site, in: context),
            "quantity": try (movement == .count ? TierSyncNode.countedSpec : kind.field(named: "quantity")).parse(
                entry.quantity, in: context),
            "occurred_on": try kind.field(named: "occurred_on").parse(entry.date ?? context.today, in: context),
            "note": try kind.field(named: "note").parse(entry.note ?? "", in: context),
        ]
        let quantity = fields["quantity"]!.doubleValue!
        let site = fields["site"]!.textValue!
        let held = try StockBalance.quantity(context.reader, item: item, org: org, site: site)
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
                let toOrg = FieldValue.text(try writableOrg(entry.toOrg ?? org).code)
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
        let id = RecordEdit.newRecordID()
        try writer.insert(table: kind.table, id: id, org: org, fields: fields)
        return try writer.fetch(table: kind.table, id: id)!
    }

    /// Records an event that undoes `eventID` (a correction), refused when the event was
    /// already reversed or when undoing it would leave a site with negative stock.
    public func reverseStock(eventID: String, note: String?, writer: inout some RecordWriting) throws -> StoredRecord {
        let original = try RecordEdit(kind: .stockEvent, editor: editor, scope: scope, context: context, unit: unit)
            .live(eventID, writer)
        _ = try writableOrg(original.org)
        guard original["kind"] != .text("reversal") else {
            throw DomainError.invalidValue(
                field: "event", value: eventID,
                allowed: "a movement, not a reversal (record the movement again instead)")
        }
        let reversed = try context.reader.rows(
            "SELECT 1 FROM stock_event WHERE reverses = ? AND deleted = 0", [.text(original.id.rawValue)])
        guard reversed.isEmpty else {
            throw DomainError.invalidValue(field: "event", value: eventID, allowed: "an event not reversed yet")
        }
        // The balances after the reversal, checked before it is written: a store that holds
        // its writes until the commit (PostgreSQL's) would not count it in a query.
        let delta = -(original["delta"].doubleValue ?? 0)
        let item = original["item"].textValue ?? ""
        var affected = [(original.org, original["site"].textValue ?? "", delta)]
        if let toSite = original["to_site"].textValue, let toOrg = original["to_org"].textValue {
            affected.append((toOrg, toSite, -delta))
        }
        for (org, site, change) in affected
        where try StockBalance.quantity(context.reader, item: item, org: org, site: site) + change < -1e-9 {
            throw DomainError.invalidValue(
                field: "event", value: eventID,
                allowed:
                    "an event whose reversal leaves no negative stock (site '\(site)' of \(org) has since issued it)"
            )
        }
        var fields = original.fields
        fields["kind"] = .text("reversal")
        fields["delta"] = .real(delta)
        fields["reverses"] = .text(original.id.rawValue)
        fields["occurred_on"] = .text(context.today)
        fields["note"] = note.map { .text($0) } ?? .null
        let id = RecordEdit.newRecordID()
        try writer.insert(table: RecordKind.stockEvent.table, id: id, org: original.org, fields: fields)
        return try writer.fetch(table: RecordKind.stockEvent.table, id: id)!
    }

    /// The id of the item `entry.item` names (an id, or a name within `org`); creates it on
    /// receipt when `newItem` describes it.
    private func resolveItem(
        _ entry: TierSyncNode.StockEntry, org: String, createIfMissing: Bool, writer: inout some RecordWriting
    ) throws -> String {
        let kind = RecordKind.materialItem
        if let id = RecordID(entry.item) {
            guard let item = try writer.fetch(table: kind.table, id: id), !item.deleted else {
                throw DomainError.notFound(kind: "material item", id: entry.item)
            }
            return item.id.rawValue
        }
        let name = entry.item.trimmingCharacters(in: .whitespaces)
        if let id: String = try context.reader.rows(
            "SELECT id FROM material_item WHERE org = ? AND name = ? AND deleted = 0 ORDER BY created LIMIT 1",
            [.text(org), .text(name)]
        ).first?[0] {
            return id
        }
        guard createIfMissing else {
            let known: [String] = try context.reader.rows(
                """
                SELECT name FROM material_item WHERE org = ? AND deleted = 0
                ORDER BY \(context.reader.dialect.bytewise("name"))
                """, [.text(org)]
            ).map { $0[0] }
            throw DomainError.invalidValue(
                field: "item", value: entry.item,
                allowed: "an item id or the name of an item of \(org)"
                    + (known.isEmpty ? " (it has none yet: receive stock first)" : ": " + known.joined(separator: ", "))
            )
        }
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
        let id = RecordEdit.newRecordID()
        try writer.insert(table: kind.table, id: id, org: org, fields: fields)
        return id.rawValue
    }
}
