/// The sign-in form (`GET /login`): fields `login` and `password` (a person's account, or
/// an operator's credential as the password), the login typed, and why the last attempt failed.
public struct LoginPage: Sendable {
    public let error: String?
    public let login: String

    public init(error: String? = nil, login: String = "") {
        self.error = error
        self.login = login
    }
}
