import Foundation
import Hummingbird
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// The procedures' buttons on a record's page (`/records/KIND/ID/approve`, `unapprove`,
/// `file`, `verdict`, `closeout`, `return`), decisions on amendments (`/amendments/ID`), and
/// `/review` (审核): what waits for this level and what it decided. Deciding needs a
/// reviewer or an admin of the node's own unit, since the unit approves, not the person.
extension Pages {
    func approve(_ page: PageRequest) async throws -> Response {
        try await procedure(page, .review) { node, kind, id, form in
            try node.approve(kind, id: id, note: Self.note(form))
        }
    }

    func unapprove(_ page: PageRequest) async throws -> Response {
        try await procedure(page, .review) { node, kind, id, form in
            try node.unapprove(kind, id: id, note: Self.note(form))
        }
    }

    func filePlan(_ page: PageRequest) async throws -> Response {
        try await procedure(page, .enter) { node, _, id, form in
            try node.file(plan: id, with: form["with"] ?? "")
        }
    }

    func verdict(_ page: PageRequest) async throws -> Response {
        try await procedure(page, .review) { node, _, id, form in
            let accepted = form["verdict"] == "accepted"
            guard accepted || form["verdict"] == "returned" else {
                throw DomainError.invalidValue(
                    field: "verdict", value: form["verdict"] ?? "", allowed: "accepted or returned")
            }
            if !accepted, Self.note(form) == nil {
                throw DomainError.procedure(
                    "a returned plan needs a note saying what to revise", chinese: "退回修改时请填写审查意见，说明需要修改什么。",
                    forbidden: false)
            }
            return try node.recordVerdict(plan: id, accepted: accepted, note: Self.note(form))
        }
    }

    func requestCloseout(_ page: PageRequest) async throws -> Response {
        try await procedure(page, .enter) { node, _, id, form in
            try node.requestCloseout(task: id, note: try Self.requiredNote(form))
        }
    }

    func returnCloseout(_ page: PageRequest) async throws -> Response {
        try await procedure(page, .review) { node, _, id, form in
            try node.returnCloseout(task: id, note: try Self.requiredNote(form))
        }
    }

    /// `POST /records/directive/ID/read`: notes that this unit read a directive from above.
    func markRead(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let id = page.parameter("id")
            guard page.parameter("kind") == RecordKind.directive.name else {
                throw DomainError.notFound(kind: "directive", id: id)
            }
            _ = try await visibleRecord(.directive, id, visitor: visitor)
            _ = try await blocking { [node] in try visitor.writer(node).markRead(directive: id) }
            return redirect("/records/directive/\(id)?saved=1")
        }
    }

    /// `POST /amendments/ID`: `decision` accept or reject, with a `reason` (needed to reject).
    func decideAmendment(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .review, form: form) { visitor in
            if let refusal = visitor.refusalOfWholeNode(node) { return await errorPage(403, refusal, visitor) }
            let id = page.parameter("id")
            let record = try await blocking { [node] () -> StoredRecord in
                let writer = try visitor.writer(node)
                switch form["decision"] {
                case "accept": return try writer.acceptAmendment(id, reason: Self.note(form))
                case "reject": return try writer.rejectAmendment(id, reason: try Self.requiredNote(form, key: "reason"))
                default:
                    throw DomainError.invalidValue(
                        field: "decision", value: form["decision"] ?? "", allowed: "accept or reject")
                }
            }
            let kind = RecordKind.forTable(record.table) ?? .report
            return redirect("/records/\(kind.name)/\(record.id.rawValue)?saved=1")
        }
    }

    /// Runs one procedure on the record of the page's kind and id, then shows the record.
    private func procedure(
        _ page: PageRequest, _ need: Visitor.Need,
        _ action: @escaping @Sendable (any WorkbenchNode, RecordKind, String, Form) throws -> StoredRecord
    ) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, need, form: form) { visitor in
            let kind = try editableKind(page)
            if need == .review, let refusal = visitor.refusalOfWholeNode(node) {
                return await errorPage(403, refusal, visitor)
            }
            let record = try await visibleRecord(kind, page.parameter("id"), visitor: visitor)
            do {
                _ = try await blocking { [node] in try action(try visitor.writer(node), kind, record.id.rawValue, form)
                }
            } catch let error as DomainError {
                // Said beside the buttons on the record's page, where the person can act on it.
                let values = Dictionary(
                    uniqueKeysWithValues: kind.fields.map { ($0.field, ValueText.input(record[$0.field], $0)) })
                return try await formPage(
                    kind, values: values, issues: [], visitor: visitor, record: record,
                    procedureError: Wording.chinese(error), status: error.kind == .forbidden ? .forbidden : .badRequest)
            }
            return redirect("/records/\(kind.name)/\(record.id.rawValue)?saved=1")
        }
    }

    static func note(_ form: Form, key: String = "note") -> String? {
        let text = (form[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    static func requiredNote(_ form: Form, key: String = "note") throws -> String {
        guard let text = note(form, key: key) else {
            throw DomainError.procedure(
                "give a \(key)", chinese: key == "reason" ? "请填写理由。" : "请填写说明。", forbidden: false)
        }
        return text
    }
}
