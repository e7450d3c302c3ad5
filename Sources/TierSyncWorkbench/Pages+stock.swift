import Foundation
import Hummingbird
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// The stock ledger under `/stock`: balances per site and item, the movement forms (receive,
/// issue, transfer, stocktake), an item's movements, and reversals. Events are immutable: a
/// correction is a reversing event.
extension Pages {
    struct StockView: Sendable {
        struct Balance: Sendable {
            let org: String, site: String, item: String, itemHref: String, quantity: String, unit: String,
                category: String
        }
        let scopeName: String
        let balances: [Balance]
        let empty: Bool
    }

    struct StockItemView: Sendable {
        struct Event: Sendable {
            let id: String, date: String, kind: String, site: String, delta: String, note: String, reversible: Bool
        }
        let heading: String
        let csrf: String
        let saved: Bool
        let events: [Event]
    }

    static let movementNames: [TierSyncNode.StockMovement: String] = [
        .receive: "入库", .issue: "出库（发放）", .transfer: "调拨", .count: "盘点",
    ]
    static let eventNames = ["receive": "入库", "issue": "出库", "transfer": "调拨", "count": "盘点", "reversal": "冲正"]
    static let stockKeys = [
        "org", "item", "category", "unit", "source", "site", "quantity", "to_org", "to_site", "occurred_on", "note",
    ]

    func stock(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let scope = visitor.scope
            let balances = try await blocking { [node] in try node.stockBalances(under: scope.code) }
            let view = StockView(
                scopeName: scope.name,
                balances: balances.map {
                    .init(
                        org: $0.orgName, site: $0.site, item: $0.itemName, itemHref: "/stock/items/\($0.item)",
                        quantity: FieldValue.real($0.quantity).description, unit: $0.unit,
                        category: node.vocabulary.name(of: $0.category, kind: "material-category"))
                }, empty: balances.isEmpty)
            return await render("stock", view, title: "物资台账", visitor: visitor, section: "records")
        }
    }

    func movementForm(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let movement = try Self.movement(page)
            let typed = ["org": visitor.scope.code, "item": page.query("item") ?? ""]
            return try await movementPage(movement, typed: typed, issues: [], visitor: visitor)
        }
    }

    func recordMovement(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let movement = try Self.movement(page)
            let typed = Dictionary(uniqueKeysWithValues: Self.stockKeys.map { ($0, form[$0] ?? "") })
            func text(_ key: String) -> String? { typed[key].flatMap { $0.isEmpty ? nil : $0 } }
            // The unit defaults to the person's own, never to the node's: a clerk of one
            // township writes only there.
            let entry = TierSyncNode.StockEntry(
                org: text("org") ?? visitor.scope.code, item: typed["item"] ?? "", site: typed["site"] ?? "",
                quantity: typed["quantity"] ?? "", date: text("occurred_on"), note: text("note"),
                source: text("source"),
                newItem: ["category", "unit"].reduce(into: [:]) { $0[$1] = text($1) },
                toSite: text("to_site"), toOrg: text("to_org"))
            do {
                let event = try await blocking { [node] in try visitor.writer(node).recordStock(movement, entry) }
                return redirect("/stock/items/\(event["item"].description)?saved=1")
            } catch let error as DomainError where !error.issues.isEmpty {
                var response = try await movementPage(movement, typed: typed, issues: error.issues, visitor: visitor)
                response.status = error.kind == .forbidden ? .forbidden : .badRequest
                return response
            }
        }
    }

    func stockItem(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let item = try await visibleRecord(.materialItem, page.parameter("id"), visitor: visitor)
            let events = try await blocking { [node] in
                try node.records(
                    .stockEvent,
                    RecordQuery(
                        org: visitor.scope.code, filters: ["item": item.id.rawValue], sort: "occurred_on", limit: 500)
                ).records
            }
            let reversed = Set(events.compactMap { $0["reverses"].textValue })
            let view = StockItemView(
                heading: "\(item["name"].description)（\(item["unit"].description)）的出入库记录", csrf: visitor.csrf,
                saved: page.query("saved") != nil,
                events: events.map {
                    .init(
                        id: $0.id.rawValue, date: $0["occurred_on"].description,
                        kind: Self.eventNames[$0["kind"].description] ?? $0["kind"].description,
                        site: $0["site"].description
                            + ($0["to_site"] == .null ? "" : " → \($0["to_site"].description)"),
                        delta: FieldValue.real($0["delta"].doubleValue ?? 0).description, note: $0["note"].description,
                        reversible: $0["kind"] != .text("reversal") && !reversed.contains($0.id.rawValue))
                })
            return await render("stock-item", view, title: view.heading, visitor: visitor, section: "records")
        }
    }

    func reverse(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let event = try await visibleRecord(.stockEvent, page.parameter("id"), visitor: visitor)
            let note = form["note"].flatMap { $0.isEmpty ? nil : $0 }
            _ = try await blocking { [node] in
                try visitor.writer(node).reverseStock(eventID: event.id.rawValue, note: note)
            }
            return redirect("/stock/items/\(event["item"].description)?saved=1")
        }
    }

    static func movement(_ page: PageRequest) throws -> TierSyncNode.StockMovement {
        guard let movement = TierSyncNode.StockMovement(rawValue: page.parameter("movement")) else {
            throw DomainError.notFound(kind: "stock movement", id: page.parameter("movement"))
        }
        return movement
    }

    /// The form of `movement` with `typed` values and each issue beside its field.
    func movementPage(
        _ movement: TierSyncNode.StockMovement, typed: [String: String], issues: [FieldIssue], visitor: Visitor
    ) async throws -> Response {
        let orgs = try await blocking { [node] in try OrgChoices(node: node, scope: visitor.scope) }
        let vocabulary = node.vocabulary
        func message(_ issue: FieldIssue, _ label: String) -> String {
            issue.chinese(label: label, vocabulary: vocabulary)
        }
        func field(_ key: String, _ label: String, _ type: FieldSpec.ValueType, required: Bool = false) -> FieldView {
            var options: [(String, String)] = []
            switch type {
            case .org: options = orgs.options(current: typed[key])
            case .term(let terms): options = vocabulary.terms(of: terms).map { ($0.key, $0.name) }
            default: break
            }
            return FieldView(
                key: key, label: label, required: required, value: typed[key] ?? "", type: type, options: options,
                error: issues.first { $0.field == key }.map { message($0, label) })
        }
        var fields = [
            field("org", "所属单位", .org, required: true), field("item", "物资名称", .text(maxLength: 100), required: true),
        ]
        if movement == .receive {
            fields += [
                field("category", "物资类别（新物资必填）", .term(kind: "material-category")),
                field("unit", "计量单位（新物资必填）", .text(maxLength: 20)),
                field("source", "来源", .term(kind: "stock-source")),
            ]
        }
        fields += [
            field("site", movement == .transfer ? "调出库点" : "库点", .text(maxLength: 100), required: true),
            field(
                "quantity", movement == .count ? "盘点数量" : "数量", .quantity(allowsZero: movement == .count),
                required: true),
        ]
        if movement == .transfer {
            fields += [field("to_org", "调入单位", .org), field("to_site", "调入库点", .text(maxLength: 100), required: true)]
        }
        fields += [field("occurred_on", "日期", .date), field("note", "备注", .text(maxLength: 500))]
        let shown = Set(fields.map(\.key))
        let view = RecordFormView(
            heading: Self.movementNames[movement] ?? movement.rawValue, action: "/stock/\(movement.rawValue)",
            csrf: visitor.csrf, fields: fields,
            errors: issues.filter { !shown.contains($0.field) }.map {
                message($0, FieldSpec.labels[$0.field] ?? $0.field)
            },
            refused: !issues.isEmpty, listName: "物资台账", listHref: "/stock")
        return await render("form", view, title: view.heading, visitor: visitor, section: "records")
    }
}
