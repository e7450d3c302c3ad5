import Foundation
import Hummingbird
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// `/accounts`: people's accounts. An admin adds accounts in their subtree, disables and
/// enables them and sets their passwords; everyone changes their own password, giving the
/// current one.
extension Pages {
    struct AccountsView: Sendable {
        struct Account: Sendable {
            let login: String, name: String, role: String, org: String, state: String, lastSignIn: String
            let disabled: Bool, isSelf: Bool
        }
        let accounts: [Account]
        let isAdmin: Bool
        let csrf: String
        let notice: String?
        /// A refusal of a change to an account in the table (the new account's are beside its fields).
        let problem: String?
        let fields: [FieldView]
        let own: [FieldView]
        let selfLogin: String
    }

    func accounts(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            try await accountsPage(visitor, notice: page.query("done").map { _ in "已保存。" })
        }
    }

    func addAccount(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .admin, form: form) { visitor in
            let role = UserRole(parsing: form["role"] ?? "")
            let org = form["org"] ?? visitor.scope.code
            do {
                _ = try await blocking { [node] in
                    guard let role else {
                        throw DomainError.invalidValue(
                            field: "role", value: form["role"] ?? "", allowed: "clerk, reviewer or admin",
                            rule: .other(chinese: "请选择角色：填报员、审核员或管理员。"))
                    }
                    return try visitor.writer(node).addUser(
                        login: form["login"] ?? "", name: form["name"] ?? "", role: role, org: org,
                        password: form["password"] ?? "")
                }
                return redirect("/accounts?done=1")
            } catch let error as DomainError where !error.issues.isEmpty {
                return try await accountsPage(
                    visitor, typed: form, issues: error.issues,
                    status: error.kind == .forbidden ? .forbidden : .badRequest)
            }
        }
    }

    /// `action`: `password` (an admin's reset, or one's own change with `current`), `disable`
    /// or `enable`.
    func changeAccount(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let login = page.parameter("login")
        return try await signedIn(page, .enter, form: form) { visitor in
            let isSelf = visitor.user?.login == login
            let action = form["action"] ?? ""
            guard ["password", "disable", "enable"].contains(action) else {
                return await errorPage(400, "未知的操作：只能修改密码、停用或启用账号。", visitor)
            }
            if !isSelf, let reason = visitor.refusal(for: .admin) { return await errorPage(403, reason, visitor) }
            if isSelf, action != "password" { return await errorPage(400, "不能停用或启用自己的账号。", visitor) }
            do {
                try await blocking { [node] in
                    let account = try node.user(login)
                    try Self.checkScope(account.org, visitor: visitor, node: node)
                    switch action {
                    case "disable": try node.setDisabled(login: login, true)
                    case "enable": try node.setDisabled(login: login, false)
                    case _ where isSelf:
                        try node.changeOwnPassword(
                            login: login, current: form["current"] ?? "", new: form["new_password"] ?? "")
                    default: try node.setPassword(login: login, password: form["password"] ?? "")
                    }
                }
                // A new password ends the person's sessions, their own included.
                return redirect(isSelf ? "/login" : "/accounts?done=1")
            } catch let error as DomainError where !error.issues.isEmpty {
                let message = Wording.chinese(error)
                return try await accountsPage(
                    visitor, problem: isSelf ? nil : message, issues: isSelf ? error.issues.map(Self.ownIssue) : [],
                    status: .badRequest)
            }
        }
    }

    /// An issue of one's own password form, placed beside its field there.
    private static func ownIssue(_ issue: FieldIssue) -> FieldIssue {
        FieldIssue(
            field: issue.field == "password" ? "new_password" : issue.field, value: issue.value, rule: issue.rule,
            allowed: issue.allowed, english: issue.english)
    }

    func accountsPage(
        _ visitor: Visitor, notice: String? = nil, problem: String? = nil, typed: Form = Form(pairs: []),
        issues: [FieldIssue] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let scope = visitor.scope
        let (users, orgs) = try await blocking { [node] in (try node.users(), try OrgChoices(node: node, scope: scope))
        }
        let codes = Set(orgs.subtree.map(\.code))
        let isAdmin = visitor.role?.mayAdminister == true
        let shown = users.filter { isAdmin ? codes.contains($0.org) : $0.login == visitor.user?.login }
        func field(
            _ key: String, _ label: String, _ type: FieldSpec.ValueType, options: [(String, String)] = [],
            value: String = ""
        )
            -> FieldView
        {
            FieldView(
                key: key, label: label, required: true, value: typed[key] ?? value, type: type, options: options,
                error: issues.first { $0.field == key }.map { $0.chinese(label: label) },
                password: key.contains("password") || key == "current")
        }
        let view = AccountsView(
            accounts: shown.map {
                .init(
                    login: $0.login, name: $0.name, role: UserRole(rawValue: $0.role)?.chineseName ?? $0.role,
                    org: orgs.name($0.org), state: $0.disabledAt == nil ? "正常" : "已停用",
                    lastSignIn: $0.lastSignIn.map { ChinaTime.display($0) } ?? "从未", disabled: $0.disabledAt != nil,
                    isSelf: $0.login == visitor.user?.login)
            }, isAdmin: isAdmin, csrf: visitor.csrf, notice: notice, problem: problem,
            fields: [
                field("login", "登录名", .text(maxLength: 32)), field("name", "姓名", .text(maxLength: 50)),
                field(
                    "role", "角色", .term(kind: "role"), options: UserRole.allCases.map { ($0.rawValue, $0.chineseName) },
                    value: "clerk"),
                field("org", "单位", .org, options: orgs.options(), value: scope.code),
                field("password", "初始密码", .text(maxLength: 72)),
            ],
            own: [field("current", "当前密码", .text(maxLength: 72)), field("new_password", "新密码", .text(maxLength: 72))],
            selfLogin: visitor.user?.login ?? "")
        return await render("accounts", view, title: "账号", visitor: visitor, section: "accounts", status: status)
    }
}
