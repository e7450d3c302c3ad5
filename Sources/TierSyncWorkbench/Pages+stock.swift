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
            let org: String; let site: String; let item: String; let itemHref: String; let quantity: String;
            let unit: String; let category: String
        }
        let scopeName: String
        let balances: [Balance]
        let empty: Bool
    }

    struct MovementView: Sendable {
        struct Event: Sendable {
            let id: String; let date: String; let kind: String; let site: String; let delta: String; let note: String;
            let reversible: Bool
        }
        let heading: String
        let action: String
        let csrf: String
        let fields: [FieldView]
        let hasErrors: Bool
        let saved: Bool
        let events: [Event]
        let isItem: Bool
    }

    static let movementNames: [TierSyncNode.StockMovement: String] = [
        .receive: "入库", .issue: "出库（发放）", .transfer: "调拨", .count: "盘点",
    ]
    static let eventNames = ["receive": "入库", "issue": "出库", "transfer": "调拨", "count": "盘点", "reversal": "冲正"]

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
            return await movementPage(
                movement, typed: ["org": visitor.scope.code, "item": page.query("item") ?? ""], issues: [],
                visitor: visitor)
        }
    }

    func recordMovement(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let movement = try Self.movement(page)
            let typed = Dictionary(Self.stockKeys.map { ($0, form[$0] ?? "") }) { first, _ in first }
            func text(_ key: String) -> String? { typed[key].flatMap { $0.isEmpty ? nil : $0 } }
            let entry = TierSyncNode.StockEntry(
                org: text("org"), item: typed["item"] ?? "", site: typed["site"] ?? "",
                quantity: typed["quantity"] ?? "",
                date: text("occurred_on"), note: text("note"), source: text("source"),
                newItem: ["category", "unit", "reserve_kind"].reduce(into: [:]) { $0[$1] = text($1) },
                toSite: text("to_site"), toOrg: text("to_org"))
            do {
                let event = try await blocking { [node] in
                    try Self.checkScope(entry.org ?? visitor.scope.code, visitor: visitor, node: node)
                    return try node.acting(as: visitor.author!).recordStock(movement, entry)
                }
                return redirect("/stock/items/\(event["item"].description)?saved=1")
            } catch let error as DomainError where !error.issues.isEmpty {
                var response = await movementPage(movement, typed: typed, issues: error.issues, visitor: visitor)
                response.status = .badRequest
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
            let view = MovementView(
                heading: "\(item["name"].description)（\(item["unit"].description)）的出入库记录", action: "",
                csrf: visitor.csrf,
                fields: [], hasErrors: false, saved: page.query("saved") != nil,
                events: events.map {
                    .init(
                        id: $0.id.rawValue, date: $0["occurred_on"].description,
                        kind: Self.eventNames[$0["kind"].description] ?? $0["kind"].description,
                        site: $0["site"].description
                            + ($0["to_site"] == .null ? "" : " → \($0["to_site"].description)"),
                        delta: FieldValue.real($0["delta"].doubleValue ?? 0).description, note: $0["note"].description,
                        reversible: $0["kind"] != .text("reversal") && !reversed.contains($0.id.rawValue))
                }, isItem: true)
            return await render("stock-item", view, title: view.heading, visitor: visitor, section: "records")
        }
    }

    func reverse(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let event = try await visibleRecord(.stockEvent, page.parameter("id"), visitor: visitor)
            let note = form["note"].flatMap { $0.isEmpty ? nil : $0 }
            _ = try await blocking { [node] in
                try node.acting(as: visitor.author!).reverseStock(eventID: event.id.rawValue, note: note)
            }
            return redirect("/stock/items/\(event["item"].description)?saved=1")
        }
    }

    static let stockKeys = [
        "org", "item", "category", "unit", "reserve_kind", "site", "quantity", "source", "to_org", "to_site",
        "occurred_on", "note",
    ]

    static func movement(_ page: PageRequest) throws -> TierSyncNode.StockMovement {
        guard let movement = TierSyncNode.StockMovement(rawValue: page.parameter("movement")) else {
            throw DomainError.notFound(kind: "stock movement", id: page.parameter("movement"))
        }
        return movement
    }

    func movementPage(
        _ movement: TierSyncNode.StockMovement, typed: [String: String], issues: [FieldIssue], visitor: Visitor
    ) async -> Response {
        let orgs = (try? node.orgs(under: visitor.scope.code)) ?? []
        let orgOptions = orgs.map { ($0.code, $0.name) }
        let byField = Dictionary(issues.map { ($0.field, $0) }) { first, _ in first }
        func field(
            _ key: String, _ label: String, _ type: FieldSpec.ValueType?, required: Bool = false,
            options: [(String, String)] = []
        ) -> FieldView {
            FieldView(
                key: key, label: label, required: required, value: typed[key] ?? "", type: type, options: options,
                error: byField[key].map { $0.chinese(label: label, vocabulary: node.vocabulary) })
        }
        var fields = [
            field("org", "所属单位", .org, required: true, options: orgOptions),
            field("item", "物资名称", .text(maxLength: 100), required: true),
        ]
        if movement == .receive {
            fields += [
                field(
                    "category", "物资类别（新物资）", .term(kind: "material-category"),
                    options: node.vocabulary.terms(of: "material-category").map { ($0.key, $0.name) }),
                field("unit", "计量单位（新物资）", .text(maxLength: 20)),
                field(
                    "source", "来源", .term(kind: "stock-source"),
                    options: node.vocabulary.terms(of: "stock-source").map { ($0.key, $0.name) }),
            ]
        }
        fields += [
            field("site", movement == .transfer ? "调出库点" : "库点", .text(maxLength: 100), required: true),
            field(
                "quantity", movement == .count ? "盘点数量" : "数量", .quantity(allowsZero: movement == .count),
                required: true),
        ]
        if movement == .transfer {
            fields += [
                field("to_org", "调入单位", .org, options: orgOptions),
                field("to_site", "调入库点", .text(maxLength: 100), required: true),
            ]
        }
        fields += [field("occurred_on", "日期", .date), field("note", "备注", .text(maxLength: 500))]
        let known = Set(fields.map(\.key))
        var view = MovementView(
            heading: Self.movementNames[movement] ?? movement.rawValue, action: "/stock/\(movement.rawValue)",
            csrf: visitor.csrf,
            fields: fields, hasErrors: !issues.isEmpty, saved: false, events: [], isItem: false)
        let general = issues.filter { !known.contains($0.field) }
        if let first = general.first {
            view = MovementView(
                heading: view.heading, action: view.action, csrf: view.csrf,
                fields: fields + [
                    FieldView(
                        key: "general", label: "", required: false, value: "", type: nil,
                        error: first.chinese(label: first.field, vocabulary: node.vocabulary))
                ],
                hasErrors: true, saved: false, events: [], isItem: false)
        }
        return await render("stock-item", view, title: view.heading, visitor: visitor, section: "records")
    }
}
