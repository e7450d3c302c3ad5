import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// The handlers of a node's site. Each resolves the visitor from the session cookie,
/// checks what the page needs (role, CSRF token), calls the domain off the event loops, and
/// renders HTML; a refusal is a page in Chinese, never a stack trace or a JSON body. The same
/// pages serve a SQLite node and a hub on PostgreSQL (`WorkbenchNode`).
struct Pages: Sendable {
    let node: any WorkbenchNode
    /// The request's logger (its lines carry `hb.request.id`), set per request by `Site`.
    var logger: Logger
    let idleLimit: Int64
    /// True when the node has units below it, so that 汇总 has something to show.
    let hasSubtree: Bool
    /// The largest file a person may attach from a page (that of the hub's children, too).
    var fileLimits = TierSyncNode.FileLimits()
    /// The overview's reports per org, kept while the log does not move (shared by every request).
    var rollups = RollupCache()

    var hub: any SyncHub { node }
    var accounts: any PeopleAccounts { node }

    // MARK: responses

    func render(
        _ template: String, _ view: Any, title: String, visitor: Visitor?, section: String,
        status: HTTPResponse.Status = .ok
    ) async -> Response {
        let chrome = await self.chrome(visitor, section: section)
        let content = WorkbenchTemplates.render(view, template)
        return html(status, DashboardRenderer.layout(title: title, chrome: chrome, content: content))
    }

    /// The page a person sees when an upload is refused for its size before it is read (the
    /// browser declared its length): in Chinese, with the way back to the page they came from.
    static func tooLargePage(_ request: Request, limit: Int, nodeName: String) -> Response {
        let back = request.headers[.referer].flatMap { URL(string: $0)?.path }.flatMap { $0.hasPrefix("/") ? $0 : nil }
        let view = ErrorPage(
            status: 413,
            message: "上传的文件太大（本页面最多 \(max(1, limit >> 20)) MB），未保存任何内容。请压缩或拆分后重新上传，或请上级调高限额。",
            homeHref: back ?? "/", homeLabel: back == nil ? "返回首页" : "返回上一页")
        var response = Response(
            status: .contentTooLarge, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(
                byteBuffer: ByteBuffer(string: DashboardRenderer.render(view, chrome: SiteChrome(nodeName: nodeName)))))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
