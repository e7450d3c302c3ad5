import Foundation
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
        let note: String
    }

    /// Where the back link goes, as it reads: `联系人列表`, `物资台账`.
    let listName: String
    let heading: String
    let action: String
    let csrf: String
    let fields: [FieldView]
    let errors: [String]
    let hasErrors: Bool
    let saved: Bool
    let deleted: Bool
    let deleteHref: String?
    let listHref: String
    let history: [HistoryRow]
    let hasHistory: Bool
    let meta: String?
    /// Approval, filing and close-out of a plan, report or task; nil for other kinds.
    var procedure: ProcedureView? = nil
    /// True when an upper level's approval locks the record here: the form is read-only.
    /// (Stored: templates read stored properties only.)
    var locked = false
    /// Set for a record an upper level shares down: whose it is, and that it is read-only.
    var sharedFrom: String? = nil
    /// A directive's receipts, and the button that notes it read here.
    var directive: DirectiveView? = nil
    /// The record's files and the upload form; nil on a new record's form.
    var attachments: AttachmentsView? = nil
}

extension RecordFormView {
    /// A form that makes something new (a stock movement), back to `listHref` under `listName`.
    init(
        heading: String, action: String, csrf: String, fields: [FieldView], errors: [String], refused: Bool,
        listName: String, listHref: String
    ) {
        self.init(
            listName: listName, heading: heading, action: action, csrf: csrf, fields: fields, errors: errors,
            hasErrors: refused, saved: false, deleted: false, deleteHref: nil, listHref: listHref, history: [],
            hasHistory: false, meta: nil)
    }
}

extension Pages {
    /// Renders the form of `kind` with `values` as typed, each issue beside its field; an
    /// existing record's inputs also carry the values they were loaded with (`was.KEY`), so a
    /// save changes only what the person changed.
    func formPage(
        _ kind: RecordKind, values: [String: String], issues: [FieldIssue], visitor: Visitor, record: StoredRecord?,
        saved: Bool = false, procedureError: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let view = try await blocking { [node] () -> RecordFormView in
            let orgs = try OrgChoices(node: node, scope: visitor.scope)
            let needsPlans = kind.fields.contains { $0.type == .reference(table: "plan") }
            let plans =
                needsPlans
                ? try node.records(
                    .plan, RecordQuery(org: visitor.scope.code, sort: "title", descending: false, limit: 500)
                ).records : []
            let text = ValueText(
                vocabulary: node.vocabulary, orgNames: orgs.names,
                planTitles: Dictionary(plans.map { ($0.id.rawValue, $0["title"].description) }) { first, _ in first })
            let form = RecordFieldViews(
                kind: kind, vocabulary: node.vocabulary, orgs: orgs, plans: plans, issues: issues,
                warnings: record.map { node.warnings(kind, $0) } ?? [])
            let fields = form.fields(
                values: values, loaded: record, includeOrg: record == nil, scope: visitor.scope.code)
            let history = try record.map { try node.history(kind, id: $0.id.rawValue) } ?? []
            let id = record?.id.rawValue
            var view = RecordFormView(
                listName: kind.displayName + "列表",
                heading: record.map { "\(kind.displayName)：\($0[kind.titleField].description)" }
                    ?? "新增\(kind.displayName)",
                action: id.map { "/records/\(kind.name)/\($0)" } ?? "/records/\(kind.name)/new", csrf: visitor.csrf,
                fields: fields, errors: form.unplaced(fields), hasErrors: !issues.isEmpty,
                saved: saved && issues.isEmpty,
                deleted: record?.deleted ?? false, deleteHref: id.map { "/records/\(kind.name)/\($0)/delete" },
                listHref: "/records/\(kind.name)",
                history: history.reversed().filter(Self.readable).map { Self.historyRow($0, kind, text) },
                hasHistory: !history.isEmpty,
                meta: record.map { "所属单位：\(orgs.name($0.org))　记录编号：\($0.id.rawValue)" })
            view.procedure = try record.flatMap {
                try ProcedureView(kind, $0, node: node, visitor: visitor, orgs: orgs, text: text)
            }
            view.procedure?.error = procedureError
            if let record, try Self.sharedFromAbove(record, visitor: visitor, node: node) {
                view.sharedFrom = "\(orgs.name(record.org))共享给下级的记录，本级只读。"
            }
            view.locked = view.procedure?.locked ?? false || view.sharedFrom != nil
            if let record {
                view.attachments = AttachmentsView(
                    try node.attachments(record: record.id.rawValue), kind: kind, record: record.id.rawValue,
                    csrf: visitor.csrf, writable: !view.locked && !record.deleted,
                    hasParent: try node.parentLink() != nil, notice: notice)
            }
            if let record, kind.name == RecordKind.directive.name {
                view.directive = try DirectiveView(record, node: node, visitor: visitor, orgs: orgs)
            }
            return view
        }
        var response = await render("form", view, title: view.heading, visitor: visitor, section: "records")
        response.status = status
        return response
    }

    static func historyRow(_ entry: TierSyncNode.HistoryEntry, _ kind: RecordKind, _ text: ValueText)
        -> RecordFormView.HistoryRow
    {
        let spec = try? kind.field(named: entry.field)
        let deletion = entry.field == FieldChange.deletedField
        func shown(_ value: FieldValue) -> String {
            if deletion { return value == .integer(1) ? "已删除" : "未删除" }
            switch (entry.field, value) {
            case ("approved_by", .text(let org)): return text.orgName(org)
            case ("approved_at", .text(let time)): return ChinaTime.display(time)
            default: return text.text(value, spec)
            }
        }
        let label = deletion ? "删除标记" : spec?.label ?? FieldSpec.labels[entry.field] ?? entry.field
        let note =
            entry.inConflict
            ? "冲突中或待审核，未采用（见冲突页或审核页）" : entry.old == entry.new ? "确认原值（审核或处理冲突时）" : ""
        return RecordFormView.HistoryRow(
            field: label, old: entry.old.map(shown) ?? "（无）", new: shown(entry.new),
            time: ChinaTime.display(entry.time), node: entry.node, org: entry.org.map(text.orgName) ?? "",
            author: entry.author?.name ?? "—", note: note)
    }

    /// History entries a person reads: a record's first "not deleted" mark (written when an
    /// approval restates the record) says nothing and is left out.
    static func readable(_ entry: TierSyncNode.HistoryEntry) -> Bool {
        !(entry.field == FieldChange.deletedField && entry.new == .integer(0)
            && (entry.old ?? .integer(0)) == .integer(0))
    }
}

/// The inputs of a record kind's form: options from the vocabulary and the units, the value
/// typed or loaded, the Chinese issue or warning beside each.
struct RecordFieldViews {
    let kind: RecordKind
    let vocabulary: Vocabulary
    let orgs: OrgChoices
    let plans: [StoredRecord]
    let issues: [FieldIssue]
    let warnings: [FieldIssue]

    func fields(values: [String: String], loaded: StoredRecord?, includeOrg: Bool, scope: String) -> [FieldView] {
        var fields: [FieldView] = []
        if includeOrg {
            fields.append(
                FieldView(
                    key: "org", label: "所属单位", required: true, value: values["org"] ?? scope, type: .org,
                    options: orgs.options(current: values["org"]), error: message(issue("org"))))
        }
        for spec in kind.fields {
            let value = values[spec.field] ?? ""
            var options: [(String, String)] = []
            switch spec.type {
            case .term(let terms), .terms(let terms): options = vocabulary.terms(of: terms).map { ($0.key, $0.name) }
            case .org: options = orgs.options(upward: true, current: value)
            case .reference:
                options = plans.map { ($0.id.rawValue, $0["title"].description) }
                if !value.isEmpty, !options.contains(where: { $0.0 == value }) { options.insert((value, value), at: 0) }
            default: break
            }
            fields.append(
                FieldView(
                    key: spec.field, label: spec.label, required: spec.required, value: value, type: spec.type,
                    options: options, error: message(issue(spec.field)),
                    warning: message(warnings.first { $0.field == spec.field }),
                    original: loaded.map { ValueText.input($0[spec.field], spec) }))
        }
        return fields
    }

    /// Issues of no input on the form (none expected; shown above it rather than lost).
    func unplaced(_ fields: [FieldView]) -> [String] {
        let keys = Set(fields.map(\.key))
        return issues.filter { !keys.contains($0.field) }.compactMap(message)
    }

    private func issue(_ key: String) -> FieldIssue? { issues.first { $0.field == key } }

    private func message(_ issue: FieldIssue?) -> String? {
        issue.map {
            $0.chinese(
                label: (try? kind.field(named: $0.field).label) ?? FieldSpec.labels[$0.field] ?? $0.field,
                vocabulary: vocabulary)
        }
    }
}
