import Foundation
import Hummingbird
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// `/conflicts`: each open conflict side by side (both values, the org, node and person of
/// each, and when), settled by keeping one or typing a new value; settled ones below.
extension Pages {
    struct ConflictsView: Sendable {
        struct Side: Sendable {
            let value: String; let org: String; let node: String; let person: String; let time: String
        }
        struct Item: Sendable {
            let id: Int64
            let record: String
            let recordHref: String
            let field: String
            let current: Side
            let other: Side
            let isDelete: Bool
            let settled: String?
            /// Why the last try to settle it was refused, shown beside its form, with what was typed.
            var problem: String? = nil
            var typed = ""
        }
        var open: [Item]
        let settled: [Item]
        let hasOpen: Bool
        let hasSettled: Bool
        let maySettle: Bool
        let csrf: String
        let notice: String?

        /// Shows `problem` beside the form of open conflict `id`, keeping what was typed; false
        /// when no such conflict is open any more.
        mutating func refuse(_ id: Int64, _ problem: String, typed: String) -> Bool {
            guard let index = open.firstIndex(where: { $0.id == id }) else { return false }
            open[index].problem = problem
            open[index].typed = typed
            return true
        }
    }

    func conflicts(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let view = try await blocking { [self] in
                try conflictsView(visitor, notice: page.query("settled").map { _ in "冲突已处理，结果将同步到其他节点。" })
            }
            return await render("conflicts", view, title: "冲突", visitor: visitor, section: "conflicts")
        }
    }

    func settle(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .review, form: form) { visitor in
            guard let id = Int64(page.parameter("id")) else {
                throw DomainError.notFound(kind: "conflict", id: page.parameter("id"))
            }
            let resolution: TierSyncNode.Resolution
            switch form["keep"] {
            case "current": resolution = .keepCurrent
            case "other": resolution = .keepOther
            default: resolution = .value(form["value"] ?? "")
            }
            do {
                _ = try await blocking { [node] in try visitor.writer(node).resolveConflict(id, resolution) }
            } catch let error as DomainError where error.kind == .badInput {
                // A value that does not fit the field: the page again, the reason beside that
                // conflict's form and what was typed still in it.
                var view = try await blocking { [self] in try conflictsView(visitor, notice: nil) }
                guard view.refuse(id, Wording.chinese(error), typed: form["value"] ?? "") else { throw error }
                return await render(
                    "conflicts", view, title: "冲突", visitor: visitor, section: "conflicts", status: .badRequest)
            }
            return redirect("/conflicts?settled=1")
        }
    }

    func conflictsView(_ visitor: Visitor, notice: String?) throws -> ConflictsView {
        let orgs = try OrgChoices(node: node, scope: visitor.scope)
        let text = ValueText(vocabulary: node.vocabulary, orgNames: orgs.names, planTitles: [:])
        let scope = Set(orgs.subtree.map(\.code))
        let mine = try node.conflicts(includeSettled: true).filter { scope.contains($0.recordOrg) }
        let open = mine.filter { $0.settled == nil }
        let settled = mine.filter { $0.settled != nil }.suffix(50).reversed()
        return ConflictsView(
            open: try open.map { try item($0, text) }, settled: try settled.map { try item($0, text) },
            hasOpen: !open.isEmpty, hasSettled: !settled.isEmpty,
            maySettle: visitor.role?.maySettleConflicts == true, csrf: visitor.csrf, notice: notice)
    }

    private func item(_ conflict: ConflictView, _ text: ValueText) throws -> ConflictsView.Item {
        let kind = RecordKind.forTable(conflict.table)
        let spec = try? kind?.field(named: conflict.field)
        let isDelete = conflict.kind == "deleted-while-edited" || conflict.field == FieldChange.deletedField
        func side(_ side: ConflictView.Side) throws -> ConflictsView.Side {
            let value = isDelete ? (side.value == .integer(1) ? "已删除" : "未删除") : text.text(side.value, spec)
            let person = try node.author(ofRecord: conflict.record, field: conflict.field, node: side.node)
            return .init(
                value: value, org: side.org.map(text.orgName) ?? "", node: side.node, person: person?.name ?? "—",
                time: ChinaTime.display(side.time))
        }
        let title = try kind.map { try node.show($0, id: conflict.record)[$0.titleField].description }
        return ConflictsView.Item(
            id: conflict.id,
            record:
                "\(kind?.displayName ?? conflict.table)：\(title ?? conflict.record)（\(text.orgName(conflict.recordOrg))）",
            recordHref: kind.map { "/records/\($0.name)/\(conflict.record)" } ?? "#",
            field: isDelete ? "删除" : spec?.label ?? conflict.field,
            current: try side(conflict.current), other: try side(conflict.other), isDelete: isDelete,
            settled: conflict.settled.map { "\(ChinaTime.display($0.time)) \(Self.settlement($0))" })
    }

    /// How a conflict was settled, in Chinese (the domain records it in English for the CLI).
    static func settlement(_ settled: ConflictView.Settlement) -> String {
        let how = settled.how
        let person = how.range(of: #"by (.+?) \(([^)]+)\) on node"#, options: .regularExpression).map {
            range -> String in
            let inner = how[range].dropFirst(3)
            return String(inner[..<(inner.range(of: " (")?.lowerBound ?? inner.endIndex)])
        }
        let outcome: String
        switch true {
        case how.hasSuffix("kept current"): outcome = "保留当前值"
        case how.hasSuffix("kept other"): outcome = "改用另一个值"
        case how.hasSuffix("new value"): outcome = "填写了新值"
        case how.hasSuffix("kept deleted"): outcome = "保持删除"
        case how.hasSuffix("record restored"): outcome = "恢复了记录"
        default: outcome = "已处理"
        }
        return "\(person ?? "节点 \(settled.node)")\(outcome)" + (settled.org.map { "（\($0)）" } ?? "")
    }
}
