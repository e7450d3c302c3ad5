import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub

/// What every page does: the signed-in visitor from the session cookie, the CSRF check of a
/// posted form, and the Chinese refusal pages.
extension Pages {
    /// Runs `body` for a signed-in visitor who has `need`; for a POST, only with the
    /// session's CSRF token (`csrf` in the form, or in the query for an upload). Without a
    /// live session, GET and POST alike go to the sign-in form and nothing is done.
    func signedIn(
        _ page: PageRequest, _ need: Visitor.Need, form: Form? = nil,
        _ body: (Visitor) async throws -> Response
    ) async throws -> Response {
        guard let id = page.sessionID else { return redirect("/login") }
        let session: TierSyncNode.Session
        do {
            session = try await blocking { [hub, idleLimit] in try hub.session(id, idleLimit: idleLimit) }
        } catch let error as DomainError where error.kind == .unauthorized {
            return redirect("/login?expired=1")
        } catch {
            // The store failed (a PostgreSQL server out of reach): say so, not "signed out".
            return await failure(error, nil)
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

    /// A page that says why a request was refused, in the site's frame (navigation and status bar).
    func errorPage(_ status: Int, _ message: String, _ visitor: Visitor?) async -> Response {
        let view = ErrorPage(status: status, message: message, homeHref: "/", homeLabel: "返回首页")
        return html(
            HTTPResponse.Status(code: status),
            DashboardRenderer.render(view, chrome: await chrome(visitor, section: "")))
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

    /// The operator credential (`op-ID.SECRET`) a sign-in form carries as its password, if it
    /// does; the login, when given, must be its id.
    static func operatorCredential(login: String, password: String) -> String? {
        let credential = password.trimmingCharacters(in: .whitespaces)
        guard credential.hasPrefix("op-"), credential.contains("."),
            login.isEmpty || credential.hasPrefix(login + ".")
        else { return nil }
        return credential
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
