import Foundation
import Hummingbird
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// `/accounts`: people's accounts. An admin adds accounts in their subtree, disables and
/// enables them and sets passwords; everyone changes their own password.
extension Pages {
    struct AccountsView: Sendable {
        struct Account: Sendable {
            let login: String; let name: String; let role: String; let org: String; let state: String;
            let lastSignIn: String; let disabled: Bool; let isSelf: Bool
        }
        let accounts: [Account]
        let isAdmin: Bool
        let csrf: String
        let roles: [FieldView.Option]
        let orgs: [FieldView.Option]
        let notice: String?
        let error: String?
        let login: String
        let name: String
    }

    func accounts(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            await accountsPage(visitor, notice: page.query("done").map { _ in "已保存。" })
        }
    }

    func addAccount(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .admin, form: form) { visitor in
            let role = UserRole(parsing: form["role"] ?? "") ?? .clerk
            let org = form["org"] ?? visitor.scope.code
            do {
                _ = try await blocking { [node] in
                    try Self.checkScope(org, visitor: visitor, node: node)
                    return try node.addUser(
                        login: form["login"] ?? "", name: form["name"] ?? "", role: role, org: org,
                        password: form["password"] ?? "")
                }
                return redirect("/accounts?done=1")
            } catch let error as DomainError {
                return await accountsPage(
                    visitor, error: Wording.chinese(error), typed: (form["login"] ?? "", form["name"] ?? ""),
                    status: .badRequest)
            }
        }
    }

    /// `action`: `disable`, `enable` or `password` (with `password`).
    func changeAccount(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let login = page.parameter("login")
        let isSelf = form["action"] == "password"
        return try await signedIn(page, isSelf ? .enter : .admin, form: form) { visitor in
            do {
                try await blocking { [node] in
                    let account = try node.user(login)
                    if visitor.user?.login != login || !isSelf {
                        guard visitor.role?.mayAdminister == true else {
                            throw DomainError.forbidden("only an admin changes another person's account")
                        }
                        try Self.checkScope(account.org, visitor: visitor, node: node)
                    }
                    switch form["action"] {
                    case "disable": try node.setDisabled(login: login, true)
                    case "enable": try node.setDisabled(login: login, false)
                    default: try node.setPassword(login: login, password: form["password"] ?? "")
                    }
                }
                return redirect(visitor.user?.login == login && isSelf ? "/login" : "/accounts?done=1")
            } catch let error as DomainError where error.kind == .badInput {
                return await accountsPage(visitor, error: Wording.chinese(error), status: .badRequest)
            }
        }
    }

    func accountsPage(
        _ visitor: Visitor, notice: String? = nil, error: String? = nil, typed: (String, String) = ("", ""),
        status: HTTPResponse.Status = .ok
    ) async -> Response {
        let scope = visitor.scope
        let loaded = try? await blocking { [node] in (try node.users(), try node.orgs(under: scope.code)) }
        let (users, orgs) = loaded ?? ([], [])
        let codes = Set(orgs.map(\.code))
        let names = Dictionary(uniqueKeysWithValues: orgs.map { ($0.code, $0.name) })
        let isAdmin = visitor.role?.mayAdminister == true
        let shown = users.filter { isAdmin ? codes.contains($0.org) : $0.login == visitor.user?.login }
        let view = AccountsView(
            accounts: shown.map {
                .init(
                    login: $0.login, name: $0.name, role: UserRole(rawValue: $0.role)?.chineseName ?? $0.role,
                    org: names[$0.org] ?? $0.org, state: $0.disabledAt == nil ? "正常" : "已停用",
                    lastSignIn: $0.lastSignIn.map(ChinaTime.display) ?? "从未", disabled: $0.disabledAt != nil,
                    isSelf: $0.login == visitor.user?.login)
            }, isAdmin: isAdmin, csrf: visitor.csrf,
            roles: UserRole.allCases.map {
                FieldView.Option(value: $0.rawValue, label: $0.chineseName, selected: $0 == .clerk)
            },
            orgs: orgs.map {
                FieldView.Option(value: $0.code, label: "\($0.code) \($0.name)", selected: $0.code == scope.code)
            },
            notice: notice, error: error, login: typed.0, name: typed.1)
        return await render("accounts", view, title: "账号", visitor: visitor, section: "accounts", status: status)
    }
}
