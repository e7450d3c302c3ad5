import Foundation
import HTTPTypes
import Hummingbird
import TierSyncDashboard
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// The web dashboard for operators: sign-in, the overview of an org's subtree with its
/// drill-down, and each report in full. Pages are server-rendered HTML that works without
/// JavaScript; a request without a valid sign-in is sent to `/login`, not answered 401.
extension HubRoutes {
    /// Shows the sign-in form.
    func loginForm(_ request: Request) async throws -> Response {
        html(.ok, DashboardRenderer.render(LoginPage()))
    }

    /// Checks the credential of the sign-in form; on success sets the cookie and goes to `/`.
    func login(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body))
        let credential = form?.credential.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        do {
            let (account, _) = try await blocking { try node.authenticateOperator(credential: credential) }
            logger.info("operator signed in", metadata: ["operator": "\(account.id)"])
            // HttpOnly: no script can read it; SameSite=Strict: no other site's page can
            // make the browser send it; Secure behind the TLS proxy (SyncServer/deploy), which
            // says so in X-Forwarded-Proto; a hub on a LAN serves plain HTTP.
            let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "; Secure" : ""
            return Response(
                status: .seeOther,
                headers: [
                    .location: "/",
                    .setCookie: "\(Self.operatorCookie)=\(credential); HttpOnly; SameSite=Strict; Path=/\(secure)",
                ])
        } catch {
            return html(.unauthorized, DashboardRenderer.render(LoginPage(error: "凭据无效或已被吊销，请核对后重新输入。")))
        }
    }

    /// Clears the cookie and goes back to the sign-in form.
    func logout(_ request: Request) async throws -> Response {
        Response(
            status: .seeOther,
            headers: [
                .location: "/login",
                .setCookie: "\(Self.operatorCookie)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
            ])
    }

    /// `/` goes to the overview of the operator's own scope.
    func home(_ request: Request) async throws -> Response {
        try await page(request) { _, scope in
            Response(status: .seeOther, headers: [.location: "/orgs/\(scope.code)"])
        }
    }

    /// The overview of org `code`'s subtree.
    func orgPage(_ request: Request, code: String) async throws -> Response {
        try await page(request) { account, scope in
            let options = try dashboardOptions(request)
            let view = try await blocking {
                let org = try node.visibleOrg(code, to: scope)
                return OverviewPage(try DashboardData.load(node: node, org: org, scope: scope, options: options))
            }
            return html(.ok, DashboardRenderer.render(view, operator: account.name))
        }
    }

    /// One report of org `code` in full, with its CSV links.
    func reportPage(_ request: Request, code: String, kind name: String) async throws -> Response {
        try await page(request) { account, scope in
            guard let kind = ReportKind(rawValue: name) else {
                throw DomainError.notFound(kind: "report", id: name)
            }
            let options = try dashboardOptions(request)
            let view = try await blocking {
                let org = try node.visibleOrg(code, to: scope)
                return try ReportPage.load(node: node, kind: kind, org: org, scope: scope, options: options)
            }
            return html(.ok, DashboardRenderer.render(view, operator: account.name))
        }
    }

    /// Runs a page handler for the signed-in operator; without a valid sign-in, redirects
    /// to `/login`, and shows any other refusal as a page (403, 404, 400).
    private func page(
        _ request: Request, _ body: (OperatorAccount, OrgUnit) async throws -> Response
    ) async throws -> Response {
        let account: OperatorAccount
        let scope: OrgUnit
        do {
            (account, scope) = try await authenticateOperator(request)
        } catch {
            guard HubError(error).status == .unauthorized else { throw HubError(error) }
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        do {
            return try await body(account, scope)
        } catch {
            let mapped = HubError(error)
            if mapped.status == .internalServerError { logger.error("page failed", metadata: ["error": "\(error)"]) }
            let view = ErrorPage(
                status: Int(mapped.status.code), message: mapped.message, homeHref: "/orgs/\(scope.code)")
            return html(mapped.status, DashboardRenderer.render(view, operator: account.name))
        }
    }

    /// The report options a page takes from its query: `as-of` and `stale-days`.
    private func dashboardOptions(_ request: Request) throws -> ReportOptions {
        let query = request.uri.queryParameters
        return try ReportOptions(
            asOf: query.get("as-of").map { String($0) }, staleDays: query.get("stale-days").map { String($0) },
            from: nil, through: nil, limit: nil)
    }

    private func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                // Pages hold contact details: never cached, never framed, no scripts at all.
                .cacheControl: "no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
                .init("X-Content-Type-Options")!: "nosniff",
                .init("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The sign-in form's body.
struct LoginForm: Decodable {
    let credential: String
}
