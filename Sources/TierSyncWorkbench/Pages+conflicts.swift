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
            let fieldKey: String
            let current: Side
            let other: Side
            let isDelete: Bool
            let needsReview: Bool
            let settled: String?
        }
        let open: [Item]
        let settled: [Item]
        let hasOpen: Bool
        let hasSettled: Bool
        let maySettle: Bool
        let csrf: String
        let notice: String?
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
            _ = try await blocking { [node] in
                guard let conflict = try node.conflicts().first(where: { $0.id == id }) else {
                    throw DomainError.notFound(kind: "conflict", id: String(id))
                }
                try Self.checkScope(conflict.recordOrg, visitor: visitor, node: node)
                return try node.acting(as: visitor.author!).resolveConflict(id, resolution)
            }
            return redirect("/conflicts?settled=1")
        }
    }

    func conflictsView(_ visitor: Visitor, notice: String?) throws -> ConflictsView {
        let all = try node.conflicts(includeSettled: true)
        let orgNames = Dictionary(uniqueKeysWithValues: try node.orgs().map { ($0.code, $0.name) })
        let text = ValueText(vocabulary: node.vocabulary, orgNames: orgNames, planTitles: [:])
        let visible = try node.orgs(under: visitor.scope.code).map(\.code)
        let scope = Set(visible)
        func item(_ conflict: ConflictView) throws -> ConflictsView.Item {
            let kind = RecordKind.forTable(conflict.table)
            let spec = try? kind?.field(named: conflict.field)
            let isDelete = conflict.kind == "deleted-while-edited" || conflict.field == FieldChange.deletedField
            func side(_ side: ConflictView.Side) throws -> ConflictsView.Side {
                let value = isDelete ? (side.value == .integer(1) ? "已删除" : "保留") : text.text(side.value, spec)
                let person = try node.author(ofRecord: conflict.record, field: conflict.field, node: side.node)
                return .init(
                    value: value, org: side.org.map(text.orgName) ?? "", node: side.node, person: person?.name ?? "—",
                    time: ChinaTime.display(side.time))
            }
            let record = try kind.map { try node.show($0, id: conflict.record) }
            return ConflictsView.Item(
                id: conflict.id,
                record:
                    "\(kind?.displayName ?? conflict.table)：\(record.map { $0[kind!.titleField].description } ?? conflict.record)（\(text.orgName(conflict.recordOrg))）",
                recordHref: kind.map { "/records/\($0.name)/\(conflict.record)" } ?? "#",
                field: isDelete ? "删除" : spec?.label ?? conflict.field, fieldKey: conflict.field,
                current: try side(conflict.current), other: try side(conflict.other), isDelete: isDelete,
                needsReview: conflict.needsReview,
                settled: conflict.settled.map { "\(ChinaTime.display($0.time)) \($0.how)" })
        }
        let mine = all.filter { scope.contains($0.recordOrg) }
        return ConflictsView(
            open: try mine.filter { $0.settled == nil }.map(item),
            settled: try mine.filter { $0.settled != nil }.suffix(50).reversed().map(item),
            hasOpen: mine.contains { $0.settled == nil }, hasSettled: mine.contains { $0.settled != nil },
            maySettle: visitor.role?.maySettleConflicts == true, csrf: visitor.csrf, notice: notice)
    }
}
