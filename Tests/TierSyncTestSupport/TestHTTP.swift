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
/// Not `URLSession.shared`: every test of the process sent through that one session, at most
/// six connections to 127.0.0.1 at once, with a minute's timeout counted from when a request
/// was queued; on CI's two cores, busy with the whole suite, requests to hubs that answered
/// their other clients in time timed out. Here a request waits up to two minutes, and as many
/// connections run at once as the tests open.
public enum TestHTTP {
    /// How long a request may wait for its answer.
    public static let timeout: TimeInterval = 120

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        configuration.httpMaximumConnectionsPerHost = 256
        return URLSession(configuration: configuration)
    }()

    /// Sends `request` (with the tests' timeout) and returns the answer's body and response.
    public static func data(for request: URLRequest) async throws -> (Data, URLResponse) {
        var request = request
        request.timeoutInterval = timeout
        return try await session.data(for: request)
    }
}
