import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// The list page of a kind: search, filters, sortable columns and pages.
struct ListView: Sendable {
    struct Tab: Sendable { let href: String; let label: String; let current: Bool }
    struct Filter: Sendable { let key: String; let label: String; let options: [FieldView.Option] }
    struct Column: Sendable { let key: String; let label: String; let href: String; let arrow: String }
    struct Cell: Sendable { let key: String; let text: String }
    struct Row: Sendable { let id: String; let href: String; let cells: [Cell] }

    let kind: String
    let kindName: String
    let tabs: [Tab]
    let search: String
    let filters: [Filter]
    let orgs: [FieldView.Option]
    /// Own records, what upper levels share down, or both: for kinds that can be shared.
    let sources: [FieldView.Option]
    let hasSources: Bool
    let columns: [Column]
    let rows: [Row]
    let range: String
    let previous: String?
    let next: String?
    let newHref: String
    let deleted: Bool
    let empty: Bool

    static let pageSize = 50

    static func load(_ pages: Pages, kind: RecordKind, page: PageRequest, visitor: Visitor) throws -> ListView {
        let node = pages.node
        let scope = visitor.scope
        let choices = try OrgChoices(node: node, scope: scope)
        let org =
            page.query("org").flatMap { code in choices.subtree.contains { $0.code == code } ? code : nil }
            ?? scope.code
        var filters: [String: String] = [:]
        for spec in kind.filterFields { filters[spec.field] = page.query(spec.field) }
        let sort = page.query("sort").flatMap { key in
            (kind.listColumns + ["org", "updated"]).contains(key) ? key : nil
        }
        let descending = page.query("dir").map { $0 != "asc" } ?? (sort == nil)
        let shareable = kind.fields.contains { $0.field == "share" }
        // Directives and extensions come from above: listed with the unit's own by default.
        let defaultSource: RecordQuery.Source =
            [RecordKind.directive.name, RecordKind.deadlineExtension.name].contains(kind.name) ? .all : .own
        let source =
            shareable ? page.query("source").flatMap(RecordQuery.Source.init(rawValue:)) ?? defaultSource : .own
        // Clamped, so that no page number from a URL overflows the offset.
        let number = min(max(1, Int(page.query("page") ?? "") ?? 1), 1_000_000)
        let query = RecordQuery(
            org: org, search: page.query("q"), filters: filters, sort: sort, descending: descending,
            offset: (number - 1) * pageSize, limit: pageSize, source: source)
        let result = try node.records(kind, query)
        let text = ValueText(
            vocabulary: node.vocabulary, orgNames: choices.names,
            planTitles: [:])
        func link(_ changes: [String: String?]) -> String {
            var items: [String: String] = [
                "q": page.query("q") ?? "", "org": org == scope.code ? "" : org, "sort": sort ?? "",
                "dir": sort == nil ? "" : (descending ? "desc" : "asc"), "page": number > 1 ? String(number) : "",
                "source": source == defaultSource ? "" : source.rawValue,
            ]
            for (key, value) in filters { items[key] = value }
            for (key, value) in changes { items[key] = value ?? "" }
            let query = items.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            return "/records/\(kind.name)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        }
        let keys = kind.listColumns + ["org", "updated"]
        let columns = keys.map { key -> Column in
            let label = key == "org" ? "所属单位" : key == "updated" ? "最后修改" : (try? kind.field(named: key).label) ?? key
            let current = sort == key || (sort == nil && key == "updated")
            let flip = current && descending ? "asc" : "desc"
            return Column(
                key: key, label: label, href: link(["sort": key, "dir": current ? flip : "asc", "page": nil]),
                arrow: current ? (descending ? "▼" : "▲") : "")
        }
        let rows = result.records.map { record in
            Row(
                id: record.id.rawValue, href: "/records/\(kind.name)/\(record.id.rawValue)",
                cells: keys.map { key in
                    switch key {
                    case "org": return Cell(key: key, text: text.orgName(record.org))
                    case "updated": return Cell(key: key, text: ChinaTime.display(record.updated.isoTime))
                    default: return Cell(key: key, text: text.text(record[key], try? kind.field(named: key)))
                    }
                })
        }
        let first = result.total == 0 ? 0 : (number - 1) * pageSize + 1
        let last = min(result.total, number * pageSize)
        return ListView(
            kind: kind.name, kindName: kind.displayName,
            tabs: RecordKind.editableKinds.map {
                Tab(href: "/records/\($0.name)", label: $0.displayName, current: $0.name == kind.name)
            }
                + [Tab(href: "/stock", label: "物资台账", current: false)],
            search: page.query("q") ?? "",
            filters: kind.filterFields.compactMap { spec in
                guard case .term(let vocabulary) = spec.type else { return nil }
                return Filter(
                    key: spec.field, label: spec.label,
                    options: [
                        FieldView.Option(value: "", label: "全部\(spec.label)", selected: filters[spec.field] == nil)
                    ]
                        + node.vocabulary.terms(of: vocabulary).map {
                            FieldView.Option(value: $0.key, label: $0.name, selected: filters[spec.field] == $0.key)
                        })
            },
            orgs: choices.options().map { FieldView.Option(value: $0.0, label: $0.1, selected: $0.0 == org) },
            sources: [(RecordQuery.Source.own, "本单位及下级"), (.shared, "上级共享"), (.all, "全部来源")].map {
                FieldView.Option(value: $0.0.rawValue, label: $0.1, selected: $0.0 == source)
            },
            hasSources: shareable,
            columns: columns, rows: rows,
            range: result.total == 0 ? "共 0 条" : "第 \(first)–\(last) 条，共 \(result.total) 条",
            previous: number > 1 ? link(["page": String(number - 1)]) : nil,
            next: last < result.total ? link(["page": String(number + 1)]) : nil,
            newHref: "/records/\(kind.name)/new", deleted: page.query("deleted") != nil, empty: rows.isEmpty)
    }
}

/// `/records`: the kinds with how many records each has in the visitor's subtree.
struct RecordsIndexView: Sendable {
    struct Kind: Sendable { let href: String; let label: String; let count: Int }
    let scopeName: String
    let kinds: [Kind]
}

/// A confirmation before something that cannot be taken back quietly (a delete).
struct ConfirmView: Sendable {
    let title: String
    let name: String
    let message: String
    let action: String
    let csrf: String
    let cancelHref: String
}
