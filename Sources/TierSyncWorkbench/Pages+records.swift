import Foundation
import GRDB
import Hummingbird
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// Record pages: `/records/KIND` (list), `/records/KIND/new`, `/records/KIND/ID` (view, edit,
/// history) and `/records/KIND/ID/delete`, KIND as in the CLI. A person works inside their
/// org's subtree; every save is one transaction, refused whole while any field is wrong.
extension Pages {
    func recordsIndex(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let scope = visitor.scope.code
            let counts = try await blocking { [node] in
                try RecordKind.editableKinds.map { ($0, try node.records($0, RecordQuery(org: scope, limit: 1)).total) }
            }
            let view = RecordsIndexView(
                scopeName: visitor.scope.name,
                kinds: counts.map { .init(href: "/records/\($0.0.name)", label: $0.0.displayName, count: $0.1) })
            return await render("records", view, title: "录入", visitor: visitor, section: "records")
        }
    }

    func list(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let kind = try editableKind(page)
            let view = try await blocking { [self] in try ListView.load(self, kind: kind, page: page, visitor: visitor)
            }
            return await render("list", view, title: kind.displayName, visitor: visitor, section: "records")
        }
    }

    func newForm(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let kind = try editableKind(page)
            let defaults = try await blocking { [node] in try node.defaults(kind) }
            let values = defaults.merging([("org", visitor.scope.code)]) { $1 }
            return try await formPage(kind, values: values, issues: [], visitor: visitor, record: nil)
        }
    }

    func create(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let kind = try editableKind(page)
            let org = form["org"] ?? visitor.scope.code
            return try await save(kind, form: form, visitor: visitor, record: nil, org: org) { [node] in
                try visitor.writer(node).add(kind, org: org, values: Self.values(of: kind, in: form, keepEmpty: false))
            }
        }
    }

    func view(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let kind = try editableKind(page)
            let record = try await visibleRecord(kind, page.parameter("id"), visitor: visitor)
            let values = Dictionary(
                uniqueKeysWithValues: kind.fields.map { ($0.field, ValueText.input(record[$0.field], $0)) })
            let notice = page.query("attached") != nil ? "附件已上传。" : page.query("removed") != nil ? "附件已删除。" : nil
            return try await formPage(
                kind, values: values, issues: [], visitor: visitor, record: record, saved: page.query("saved") != nil,
                notice: notice)
        }
    }

    func update(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let kind = try editableKind(page)
            let record = try await visibleRecord(kind, page.parameter("id"), visitor: visitor)
            return try await save(kind, form: form, visitor: visitor, record: record, org: record.org) { [node] in
                try visitor.writer(node).set(kind, id: record.id.rawValue, values: Self.changes(of: kind, in: form)).0
            }
        }
    }

    /// Runs `write` and goes to the record's page; when a field is refused, renders the form
    /// again with what was typed and every issue beside its field (403 when the unit is
    /// outside the person's subtree).
    private func save(
        _ kind: RecordKind, form: Form, visitor: Visitor, record: StoredRecord?, org: String,
        _ write: @escaping @Sendable () throws -> StoredRecord
    ) async throws -> Response {
        do {
            let saved = try await blocking(write)
            return redirect("/records/\(kind.name)/\(saved.id.rawValue)?saved=1")
        } catch let error as DomainError where !error.issues.isEmpty {
            var typed = Dictionary(uniqueKeysWithValues: kind.fields.map { ($0.field, Self.typed($0, form)) })
            typed["org"] = org
            return try await formPage(
                kind, values: typed, issues: error.issues, visitor: visitor, record: record,
                status: error.kind == .forbidden ? .forbidden : .badRequest)
        }
    }

    func confirmDelete(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let kind = try editableKind(page)
            let record = try await visibleRecord(kind, page.parameter("id"), visitor: visitor)
            let view = ConfirmView(
                title: "确认删除\(kind.displayName)", name: record[kind.titleField].description,
                message: "删除后记录保留为“已删除”标记并同步到上级，可在历史中查到。确定删除吗？",
                action: "/records/\(kind.name)/\(record.id.rawValue)/delete", csrf: visitor.csrf,
                cancelHref: "/records/\(kind.name)/\(record.id.rawValue)")
            return await render("confirm", view, title: view.title, visitor: visitor, section: "records")
        }
    }

    func delete(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let kind = try editableKind(page)
            let record = try await visibleRecord(kind, page.parameter("id"), visitor: visitor)
            try await blocking { [node] in try visitor.writer(node).delete(kind, id: record.id.rawValue) }
            return redirect("/records/\(kind.name)?deleted=1")
        }
    }

    // MARK: helpers

    func editableKind(_ page: PageRequest) throws -> RecordKind {
        let name = page.parameter("kind")
        guard let kind = RecordKind.editableKinds.first(where: { $0.name == name }) else {
            throw DomainError.notFound(kind: "record kind", id: name)
        }
        return kind
    }

    /// The record, when it is inside the visitor's subtree or shared down to it from above
    /// (403 otherwise).
    func visibleRecord(_ kind: RecordKind, _ id: String, visitor: Visitor) async throws -> StoredRecord {
        try await blocking { [node] in
            let record = try node.show(kind, id: id)
            if try Self.sharedFromAbove(record, visitor: visitor, node: node) { return record }
            try Self.checkScope(record.org, visitor: visitor, node: node)
            return record
        }
    }

    /// True when `record` is owned above the visitor's subtree and shared down to it.
    static func sharedFromAbove(_ record: StoredRecord, visitor: Visitor, node: any WorkbenchNode) throws -> Bool {
        guard let owner = try node.orgUnit(record.org) else { return false }
        return OrgUnit.shared(ownerPath: owner.path, share: record["share"].textValue, reaches: visitor.scope.path)
    }

    static func checkScope(_ org: String, visitor: Visitor, node: any WorkbenchNode) throws {
        guard let unit = try node.orgUnit(org) else {
            throw DomainError.invalid([
                FieldIssue(field: "org", value: org, rule: .unknownOrg, allowed: "an org code")
            ])
        }
        guard visitor.scope.contains(unit) else {
            throw DomainError.outsideSubtree(org: org, nodeOrg: visitor.scope.code)
        }
    }

    /// The form's values for the domain: checkboxes joined with commas; on `add`, empty
    /// fields are left out (defaults apply), on `set` they clear the field.
    static func values(of kind: RecordKind, in form: Form, keepEmpty: Bool) -> [String: String] {
        var values: [String: String] = [:]
        for spec in kind.fields {
            let text = typed(spec, form)
            if keepEmpty || !text.trimmingCharacters(in: .whitespaces).isEmpty { values[spec.field] = text }
        }
        return values
    }

    /// On `set`: the fields whose value differs from the one the form was loaded with
    /// (`was.KEY`), so that a save never writes back a value someone else has changed since.
    static func changes(of kind: RecordKind, in form: Form) -> [String: String] {
        values(of: kind, in: form, keepEmpty: true).filter { key, value in form["was." + key] != value }
    }

    static func typed(_ spec: FieldSpec, _ form: Form) -> String {
        form.all(spec.field).joined(separator: ",")
    }
}
