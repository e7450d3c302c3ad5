import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// The handlers of the site's pages. Each resolves the visitor from the session cookie,
/// checks what the page needs (role, CSRF token), calls the domain off the event loops, and
/// renders HTML; a refusal is a page in Chinese, never a stack trace or a JSON body.
struct Pages: Sendable {
    let node: TierSyncNode
    /// The request's logger (its lines carry `hb.request.id`), set per request by `Site`.
    var logger: Logger
    let idleLimit: Int64
    /// True when the node has units below it, so that 汇总 has something to show.
    let hasSubtree: Bool
    /// The largest file a person may attach from a page (that of the hub's children, too).
    var fileLimits = TierSyncNode.FileLimits()
    /// The overview's reports per org, kept while the log does not move (shared by every request).
    var rollups = RollupCache()

    /// Runs `body` for a signed-in visitor who has `need`; for a POST, only with the
    /// session's CSRF token (`csrf` in the form, or in the query for an upload). Without a
    /// live session, GET and POST alike go to the sign-in form and nothing is done.
    func signedIn(
        _ page: PageRequest, _ need: Visitor.Need, form: Form? = nil,
        _ body: (Visitor) async throws -> Response
    ) async throws -> Response {
        guard let id = page.sessionID,
            let session = try? await blocking({ [node, idleLimit] in try node.session(id, idleLimit: idleLimit) })
        else {
            let expired = page.sessionID != nil
            return redirect("/login" + (expired ? "?expired=1" : ""))
        }
        let visitor = Visitor(session: session, sessionID: id)
        if let reason = visitor.refusal(for: need) { return await errorPage(403, reason, visitor) }
        if page.request.method == .post {
            let token = form?["csrf"] ?? page.query("csrf")
            guard let token, Self.constantTimeEqual(token, session.csrf) else {
                logger.warning(
                    "form without a valid CSRF token refused", metadata: ["path": "\(page.request.uri.path)"])
                return await errorPage(403, "表单校验码无效或缺失（可能来自其他网站，或页面已过期）。请回到页面刷新后重新提交，未保存任何内容。", visitor)
            }
        }
        do {
            return try await body(visitor)
        } catch {
            return await failure(error, visitor)
        }
    }

    /// A refusal as a page, with the status the API gives the same error (`HubService.statusCode`) and
    /// its Chinese wording.
    func failure(_ error: any Error, _ visitor: Visitor?) async -> Response {
        let status = HubService.statusCode(of: error)
        if status == 500 { logger.error("page failed", metadata: ["error": "\(error)"]) }
        return await errorPage(status, Wording.chinese(error), visitor)
    }

    // MARK: responses

    func render(
        _ template: String, _ view: Any, title: String, visitor: Visitor?, section: String,
        status: HTTPResponse.Status = .ok
    ) async -> Response {
        let chrome = await self.chrome(visitor, section: section)
        let content = WorkbenchTemplates.render(view, template)
        return html(status, DashboardRenderer.layout(title: title, chrome: chrome, content: content))
    }

    /// A page that says why a request was refused, in the site's frame (navigation and status bar).
    func errorPage(_ status: Int, _ message: String, _ visitor: Visitor?) async -> Response {
        let view = ErrorPage(status: status, message: message, homeHref: "/", homeLabel: "返回首页")
        return html(
            HTTPResponse.Status(code: status),
            DashboardRenderer.render(view, chrome: await chrome(visitor, section: "")))
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

    func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                // Pages hold contact details: never cached, never framed; no script runs.
                .cacheControl: "no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
                .init("X-Content-Type-Options")!: "nosniff",
                .init("X-UA-Compatible")!: "IE=edge",
                .init("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
