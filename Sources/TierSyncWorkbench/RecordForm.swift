import Foundation
import GRDB
import Hummingbird
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// The page of one record: a new record's form, or an existing record's details with its
/// edit form, warnings and history.
struct RecordFormView: Sendable {
    struct HistoryRow: Sendable {
        let field: String
        let old: String
        let new: String
        let time: String
        let node: String
        let org: String
        let author: String
    }

    let kindName: String
    let heading: String
    let action: String
    let csrf: String
    let fields: [FieldView]
    let errors: [String]
    let hasErrors: Bool
    let warnings: [String]
    let saved: Bool
    let isEdit: Bool
    let deleted: Bool
    let deleteHref: String?
    let listHref: String
    let history: [HistoryRow]
    let hasHistory: Bool
    let meta: String?
}

extension Pages {
    /// Renders the form of `kind` with `values` as typed, each issue beside its field.
    func formPage(
        _ kind: RecordKind, values: [String: String], issues: [FieldIssue], visitor: Visitor, record: StoredRecord?,
        saved: Bool = false, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let scope = visitor.scope
        let (view, _) = try await blocking { [node] () -> (RecordFormView, Int) in
            let orgs = try node.orgs(under: scope.code)
            let plans = try node.records(
                .plan, RecordQuery(org: scope.code, sort: "title", descending: false, limit: 500))
            let text = ValueText(
                vocabulary: node.vocabulary,
                orgNames: Dictionary(uniqueKeysWithValues: try node.orgs().map { ($0.code, $0.name) }),
                planTitles: Dictionary(
                    uniqueKeysWithValues: plans.records.map { ($0.id.rawValue, $0["title"].description) }))
            let byField = Dictionary(issues.map { ($0.field, $0) }) { first, _ in first }
            let warnings = record.map { node.warnings(kind, $0) } ?? []
            let warningByField = Dictionary(warnings.map { ($0.field, $0) }) { first, _ in first }
            func message(_ issue: FieldIssue?) -> String? {
                issue.map {
                    $0.chinese(
                        label: (try? kind.field(named: $0.field).label) ?? FieldSpec.labels[$0.field] ?? $0.field,
                        vocabulary: node.vocabulary)
                }
            }
            let orgOptions = orgs.map {
                (
                    $0.code,
                    String(
                        repeating: "　",
                        count: max(0, $0.path.split(separator: "/").count - scope.path.split(separator: "/").count))
                        + $0.name
                )
            }
            var fields: [FieldView] = []
            if record == nil {
                fields.append(
                    FieldView(
                        key: "org", label: "所属单位", required: true, value: values["org"] ?? scope.code, type: .org,
                        options: orgOptions, error: message(byField["org"])))
            }
            for spec in kind.fields {
                var options: [(String, String)] = []
                switch spec.type {
                case .term(let vocabulary), .terms(let vocabulary):
                    options = node.vocabulary.terms(of: vocabulary).map { ($0.key, $0.name) }
                case .org: options = orgOptions
                case .reference: options = plans.records.map { ($0.id.rawValue, $0["title"].description) }
                default: break
                }
                fields.append(
                    FieldView(
                        key: spec.field, label: spec.label, required: spec.required, value: values[spec.field] ?? "",
                        type: spec.type, options: options, error: message(byField[spec.field]),
                        warning: message(warningByField[spec.field])))
            }
            let known = Set(fields.map(\.key))
            let general = issues.filter { !known.contains($0.field) }.compactMap(message)
            let history = try record.map { try node.history(kind, id: $0.id.rawValue) } ?? []
            let rows = history.reversed().map { entry in
                let spec = try? kind.field(named: entry.field)
                let label = entry.field == FieldChange.deletedField ? "删除标记" : spec?.label ?? entry.field
                return RecordFormView.HistoryRow(
                    field: label, old: entry.old.map { text.text($0, spec) } ?? "（无）", new: text.text(entry.new, spec),
                    time: ChinaTime.display(entry.time), node: entry.node,
                    org: entry.org.map(text.orgName) ?? "", author: entry.author?.name ?? "—")
            }
            let id = record?.id.rawValue
            let view = RecordFormView(
                kindName: kind.displayName,
                heading: record.map { "\(kind.displayName)：\($0[kind.titleField].description)" }
                    ?? "新增\(kind.displayName)",
                action: id.map { "/records/\(kind.name)/\($0)" } ?? "/records/\(kind.name)/new", csrf: visitor.csrf,
                fields: fields, errors: general, hasErrors: !issues.isEmpty, warnings: [],
                saved: saved && issues.isEmpty,
                isEdit: record != nil, deleted: record?.deleted ?? false,
                deleteHref: id.map { "/records/\(kind.name)/\($0)/delete" }, listHref: "/records/\(kind.name)",
                history: rows, hasHistory: !rows.isEmpty,
                meta: record.map { "所属单位：\(text.orgName($0.org))　记录编号：\($0.id.rawValue)" })
            return (view, 0)
        }
        var response = await render("form", view, title: view.heading, visitor: visitor, section: "records")
        response.status = status
        return response
    }
}
