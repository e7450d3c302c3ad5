import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The HTTP client of the tests that call a server directly (not through the sync client).
///
/// ```swift
/// let (data, response) = try await TestHTTP.data(for: request)
/// ```
///
/// Not `URLSession.shared`: through that one session, a request of one test could go on a
/// connection kept from another test, to a hub since stopped whose port a new hub had taken,
/// and wait for an answer that never came; CI saw such requests time out while every hub
/// answered its own clients. Here each request has a session of its own, as each sync
/// client does, and waits up to two minutes: a hub served in the test process shares CI's two
/// cores with the whole suite.
public enum TestHTTP {
    /// How long a request may wait for its answer.
    public static let timeout: TimeInterval = 120

    /// Sends `request` (with the tests' timeout) and returns the answer's body and response.
    public static func data(for request: URLRequest) async throws -> (Data, URLResponse) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        var request = request
        request.timeoutInterval = timeout
        return try await session.data(for: request)
    }
}
