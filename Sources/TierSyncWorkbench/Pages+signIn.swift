import Foundation
import Hummingbird
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub

/// Signing in and out. The cookie holds only a random session id (HttpOnly, SameSite=Strict,
/// Secure behind the TLS proxy); the session lives on the server and survives a restart.
extension Pages {
    /// `/`: a person's records, an operator's consolidated view.
    func home(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .read) { visitor in
            redirect(visitor.role == nil ? "/orgs/\(visitor.scope.code)" : "/records")
        }
    }
}

/// What signing in and out is on every site.
extension Pages {
    /// Checks `login` and `password` (or an operator credential as the password) and starts
    /// a session.
    func login(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let address = page.address
        do {
            let subject: String = try await blocking { [hub, accounts] in
                if let credential = Self.operatorCredential(login: login, password: password) {
                    return "operator:" + (try hub.authenticateOperator(credential: credential).account.id)
                }
                return "user:" + (try accounts.checkPassword(login: login, password: password, address: address).login)
            }
            return try await startSession(subject: subject, page)
        } catch let error as DomainError {
            return loginRefused(error, login: login)
        } catch {
            // The store failed (a PostgreSQL server out of reach): say so, not "wrong password".
            return await failure(error, nil)
        }
    }

    func loginForm(_ page: PageRequest) async throws -> Response {
        let notice = page.query("expired") != nil ? "登录已过期或已退出，请重新登录。" : nil
        return html(.ok, DashboardRenderer.render(LoginPage(error: notice)))
    }

    /// Starts a session for `subject`, whose credentials were checked, and sends the browser
    /// home with the session's id in its cookie.
    func startSession(subject: String, _ page: PageRequest) async throws -> Response {
        let id = try await blocking { [hub] in try hub.startSession(subject: subject) }
        logger.info("signed in", metadata: ["subject": "\(subject)"])
        let secure = page.isHTTPS ? "; Secure" : ""
        return redirect("/", cookie: "\(HubService.sessionCookie)=\(id); HttpOnly; SameSite=Strict; Path=/\(secure)")
    }

    /// The sign-in form again, saying in Chinese why `error` refused it (`message`, or the
    /// error's own wording).
    func loginRefused(_ error: DomainError, login: String, message: String? = nil) -> Response {
        let status: HTTPResponse.Status = error.kind == .throttled ? .tooManyRequests : .unauthorized
        return html(
            status,
            DashboardRenderer.render(
                LoginPage(error: message ?? Wording.chinese(error), login: login)))
    }

    /// Ends the session and clears the cookie.
    func logout(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .read, form: form) { visitor in
            try await blocking { [hub] in try hub.endSession(visitor.sessionID) }
            return redirect(
                "/login", cookie: "\(HubService.sessionCookie)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
        }
    }
}
