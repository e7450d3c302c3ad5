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

    /// The node, writing for this person inside their subtree (their edits named in the
    /// history, a write outside refused by the domain).
    func writer(_ node: any WorkbenchNode) throws -> any WorkbenchNode {
        guard let user else { throw DomainError.forbidden("an operator credential only reads the consolidated view") }
        return node.acting(as: Author(login: user.login, name: user.name), within: scope)
    }

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

    /// Nil when the visitor works for the node's own unit, as what concerns the whole node
    /// needs (its parent link, enrollment codes, bundles); otherwise the Chinese reason.
    func refusalOfWholeNode(_ node: any WorkbenchNode) -> String? {
        scope.code == node.hubOrg.code ? nil : "此操作涉及整个节点（\(node.hubOrg.name)），需要本级单位的账号；您的账号只管\(scope.name)。"
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
