import Foundation
import Hummingbird
import Logging
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub

/// The pages of a hub on PostgreSQL: its operators sign in with their credential and read the
/// consolidated view (汇总) of their subtree and each report, as on a SQLite hub's site
/// (`SitePages`). Such a hub has no people's accounts and takes no edits, so there is
/// nothing else to show; every process of the hub serves them.
struct ConsolidatedPages: SitePages {
    let hub: any SyncHub
    var logger: Logger
    let idleLimit: Int64
    let rollups: RollupCache
    var operatorsOnly: Bool { true }

    func chrome(_ visitor: Visitor?, section: String) async -> SiteChrome {
        guard let visitor else { return SiteChrome(nodeName: hub.hubOrg.name) }
        return SiteChrome(
            userName: visitor.name, roleName: "操作员", csrf: visitor.csrf,
            nav: [SiteChrome.NavItem(href: "/orgs/\(visitor.scope.code)", label: "汇总", current: section == "orgs")],
            nodeName: hub.hubOrg.name)
    }

    /// `/`: the overview of the operator's own subtree.
    func home(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .read) { visitor in redirect("/orgs/\(visitor.scope.code)") }
    }

    /// Checks an operator credential (the form's password; the login, if given, its id) and
    /// starts a session.
    func login(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            guard let credential = Self.operatorCredential(login: login, password: form["password"] ?? "") else {
                throw DomainError.unauthorized(
                    "this hub's pages take an operator credential (op-ID.SECRET, from `tiersync operator add`) as the password"
                )
            }
            let account = try await blocking { [hub] in try hub.authenticateOperator(credential: credential).account }
            return try await startSession(subject: "operator:" + account.id, page)
        } catch let error as DomainError where error.kind == .unauthorized {
            return loginRefused(
                error, login: login,
                message: "凭据不正确或已被吊销，请向管理员核对。")
        } catch {
            return await failure(error, nil)
        }
    }
}
