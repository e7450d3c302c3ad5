import Foundation
import Hummingbird
import NIOCore
import TierSyncClient
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// `/sync`: the link with the parent in sight. 立即同步 runs a sync now and shows what
/// moved; the last attempts and their errors, in Chinese; joining a parent with a code;
/// bundles for the no-network path; and, on a hub, its children and their enrollment codes.
extension Pages {
    struct SyncView: Sendable {
        /// `reason` is never nil: Mustache would look a missing value up in the page around it.
        struct Attempt: Sendable { let at: String; let ok: Bool; let moved: String; let reason: String }
        struct Child: Sendable {
            let org: String; let lastContact: String; let waiting: Int; let conflicts: Int; let state: String
        }
        let parent: String?
        let parentOrg: String?
        let joined: Bool
        let canJoin: Bool
        /// Bundles carry the whole node's changes: for the node's own unit only.
        let mayBundle: Bool
        let csrf: String
        let notice: String?
        let error: String?
        let attempts: [Attempt]
        let hasAttempts: Bool
        let refusals: [String]
        let hasRefusals: Bool
        let children: [Child]
        let hasChildren: Bool
        let childOrgs: [FieldView.Option]
        let mayEnroll: Bool
        let code: String?
    }

    func syncPage(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in try await syncView(visitor) }
    }

    func syncNow(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            do {
                // Of several processes serving one hub on PostgreSQL, one syncs at a time; while
                // another syncs, the page says so rather than holding a thread until it ends.
                guard
                    let summary = try await node.syncingAlone(wait: false, { try await SyncSession(node: node).run() })
                else {
                    return try await syncView(
                        visitor, error: "另一个同步正在进行（本节点的其他服务进程或自动同步），请稍后刷新本页查看结果。", status: .conflict)
                }
                return try await syncView(
                    visitor,
                    notice: "同步完成：上传 \(summary.pushed) 项，下载 \(summary.pulled) 项"
                        + (summary.copied > 0 ? "，复制记录 \(summary.copied) 条" : "")
                        + "，新冲突 \(summary.conflicts) 个，被拒收 \(summary.refused.count) 项。"
                        + Self.filesWording(summary))
            } catch let error as ClientError where error == .notJoined {
                // Nothing failed upstream: this node has no parent yet.
                return try await syncView(visitor, error: Wording.chinese(syncError: "\(error)"), status: .conflict)
            } catch {
                return try await syncView(visitor, error: Wording.chinese(syncError: "\(error)"), status: .badGateway)
            }
        }
    }

    /// What a sync did with attached files, for a clerk: sent, fetched, and any that did not
    /// move (over the parent's limit, or to be retried) with what to do.
    static func filesWording(_ summary: SyncSession.Summary) -> String {
        var text = ""
        if summary.filesSent + summary.filesFetched > 0 {
            text += "附件：上传 \(summary.filesSent) 个，下载 \(summary.filesFetched) 个。"
        }
        if !summary.fileProblems.isEmpty {
            let limit = summary.fileProblems.contains { $0.contains("HTTP 413") }
            text +=
                "有 \(summary.fileProblems.count) 个附件未能上传或下载"
                + (limit ? "：文件超过上级节点的大小限额，请压缩后重新上传，或请上级调高限额。" : "，下次同步时将重试。")
        }
        return text
    }

    func join(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .admin, form: form) { visitor in
            if let reason = visitor.refusalOfWholeNode(node) { return await errorPage(403, reason, visitor) }
            let text = (form["parent"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                return try await syncView(
                    visitor, error: "上级地址应为 http:// 或 https:// 开头的网址，例如 http://192.168.1.10:8080。", status: .badRequest)
            }
            do {
                let summary = try await Enrollment.join(
                    node: node, parent: url, code: (form["code"] ?? "").trimmingCharacters(in: .whitespaces))
                return try await syncView(
                    visitor, notice: "已加入上级节点 \(text)：复制记录 \(summary.copied) 条，上传 \(summary.pushed) 项。")
            } catch let error as DomainError {
                return try await syncView(visitor, error: Wording.chinese(error), status: .badRequest)
            } catch let error as ClientError where error == .notJoined {
                // Nothing failed upstream: this node has no parent yet.
                return try await syncView(visitor, error: Wording.chinese(syncError: "\(error)"), status: .conflict)
            } catch {
                return try await syncView(visitor, error: Wording.chinese(syncError: "\(error)"), status: .badGateway)
            }
        }
    }

    func enroll(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .admin, form: form) { visitor in
            if let reason = visitor.refusalOfWholeNode(node) { return await errorPage(403, reason, visitor) }
            let org = form["org"] ?? ""
            let issued = try await blocking { [node] in try node.issueEnrollment(for: org) }
            return try await syncView(
                visitor, notice: "已为 \(issued.org) 生成注册码（\(ChinaTime.display(issued.expiresAt)) 前有效，只能使用一次）：",
                code: issued.code)
        }
    }

    func syncView(
        _ visitor: Visitor, notice: String? = nil, error: String? = nil, code: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let (link, attempts, children, childOrgs) = try await blocking {
            [node] () -> (ParentLink?, [SyncAttempt], [TierSyncNode.ChildHealth], [OrgUnit]) in
            (
                try node.parentLink(), try node.syncAttempts(), try node.childHealth(),
                try node.orgs(under: node.hubOrg.code).filter { $0.parent == node.hubOrg.code }
            )
        }
        let refusals = attempts.first?.refusals?.split(separator: "\n").map(String.init) ?? []
        let wholeNode = visitor.refusalOfWholeNode(node) == nil
        let view = SyncView(
            parent: link?.url, parentOrg: link?.org, joined: link != nil,
            canJoin: link == nil && visitor.role?.mayAdminister == true && wholeNode && node.hubOrg.parent != nil,
            mayBundle: wholeNode, csrf: visitor.csrf, notice: notice, error: error,
            attempts: attempts.map {
                .init(
                    at: ChinaTime.display($0.at), ok: $0.ok,
                    moved: "上传 \($0.pushed)，下载 \($0.pulled)，复制 \($0.copied)，冲突 \($0.conflicts)，拒收 \($0.refused)",
                    reason: $0.error.map(Wording.chinese(syncError:)) ?? "")
            }, hasAttempts: !attempts.isEmpty,
            refusals: refusals, hasRefusals: !refusals.isEmpty,
            children: children.map {
                .init(
                    org: "\($0.org) \($0.orgName)", lastContact: $0.lastContact.map { ChinaTime.display($0) } ?? "从未",
                    waiting: $0.waitingForChild, conflicts: $0.openConflicts, state: $0.revokedAt == nil ? "正常" : "已吊销")
            }, hasChildren: !children.isEmpty,
            childOrgs: childOrgs.map {
                FieldView.Option(value: $0.code, label: "\($0.code) \($0.name)", selected: false)
            },
            mayEnroll: visitor.role?.mayAdminister == true && wholeNode && !childOrgs.isEmpty, code: code)
        return await render("sync", view, title: "同步", visitor: visitor, section: "sync", status: status)
    }
}
