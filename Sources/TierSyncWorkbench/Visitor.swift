import TierSyncDomain
import TierSyncStore

/// Who is signed in for a page: a person with a role, or an operator who only reads the
/// consolidated view, with the subtree they work in and their session's CSRF token.
struct Visitor: Sendable {
    let session: TierSyncNode.Session
    /// The session's cookie id, to end it at sign-out.
    let sessionID: String

    var scope: OrgUnit { session.scope }
    var csrf: String { session.csrf }

    var user: UserAccount? {
        if case .user(let account) = session.subject { return account }
        return nil
    }

    var role: UserRole? { user.flatMap { UserRole(rawValue: $0.role) } }

    var name: String {
        switch session.subject {
        case .user(let account): return account.name
        case .operator(let account): return account.name
        }
    }

    var author: Author? { user.map { Author(login: $0.login, name: $0.name) } }

    /// What a page needs of its visitor.
    enum Need: Sendable {
        /// Anyone signed in, operators included (the consolidated view).
        case read
        /// A person's account, any role (entering records, the sync page).
        case enter
        /// A reviewer or an admin (settling conflicts).
        case review
        /// An admin (accounts, enrollment codes, the parent link).
        case admin
    }

    /// Nil when allowed; otherwise the Chinese reason for the 403 page.
    func refusal(for need: Need) -> String? {
        switch need {
        case .read: return nil
        case .enter: return role == nil ? "操作员凭据只能查看汇总；录入和同步请使用个人账号登录。" : nil
        case .review:
            guard let role else { return "操作员凭据只能查看汇总。" }
            return role.maySettleConflicts ? nil : "处理冲突需要审核员或管理员账号，您的角色是\(role.chineseName)。"
        case .admin:
            guard let role else { return "操作员凭据只能查看汇总。" }
            return role.mayAdminister ? nil : "此操作需要管理员账号，您的角色是\(role.chineseName)。"
        }
    }
}
