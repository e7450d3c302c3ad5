/// The sign-in form (`GET /login`): one field for the operator credential that
/// `tiersync operator add` printed, and the reason the last attempt failed.
public struct LoginPage: Sendable {
    public let error: String?

    public init(error: String? = nil) {
        self.error = error
    }
}
