/// The sign-in form (`GET /login`): fields `login` and `password` (a person's account, or
/// an operator's credential as the password), the login typed, and why the last attempt failed.
public struct LoginPage: Sendable {
    public let error: String?
    public let login: String
    /// True on a site that has no people's accounts (a hub on PostgreSQL): the form then asks
    /// for an operator credential only.
    public let operatorsOnly: Bool

    public init(error: String? = nil, login: String = "", operatorsOnly: Bool = false) {
        self.error = error
        self.login = login
        self.operatorsOnly = operatorsOnly
    }
}
