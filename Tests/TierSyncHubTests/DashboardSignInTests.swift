import Foundation
import Hummingbird
import Logging
import Testing
import TierSyncDomain
import TierSyncHub

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The dashboard's sign-in on a live hub: the cookie it sets, and what a page does without it.
@Suite struct DashboardSignInTests {
    /// Hands back redirects instead of following them, to look at the answer itself.
    final class NoRedirects: NSObject, URLSessionTaskDelegate {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) { completionHandler(nil) }
    }

    let hub: LiveHub
    var city: TierSyncNode { hub.city }
    var url: URL { hub.url }
    let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)

    init() async throws {
        hub = try await LiveHub()
    }

    func signIn(_ credential: String, headers: [String: String] = [:]) async throws -> HTTPURLResponse {
        var request = URLRequest(url: url.appendingPathComponent("login"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let form = credential.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? credential
        request.httpBody = Data("credential=\(form)".utf8)
        return try await session.data(for: request).1 as! HTTPURLResponse
    }

    @Test("signing in sets an HttpOnly, SameSite=Strict cookie, Secure behind the TLS proxy; a wrong credential none")
    func cookie() async throws {
        defer { hub.stop() }
        let officer = try city.addOperator(name: "示例·吴官")
        let plain = try await signIn(officer.credential)
        #expect(plain.statusCode == 303 && plain.value(forHTTPHeaderField: "Location") == "/")
        let cookie = try #require(plain.value(forHTTPHeaderField: "Set-Cookie"))
        #expect(cookie.hasPrefix("tiersync_operator=\(officer.credential);") && cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
        let proxied = try await signIn(officer.credential, headers: ["X-Forwarded-Proto": "https"])
        #expect(proxied.value(forHTTPHeaderField: "Set-Cookie")?.hasSuffix("; Secure") == true)
        let wrong = try await signIn(officer.id + ".wrong")
        #expect(wrong.statusCode == 401 && wrong.value(forHTTPHeaderField: "Set-Cookie") == nil)
    }

    @Test("a page without a sign-in redirects to the form, not to a JSON 401")
    func redirectsToSignIn() async throws {
        defer { hub.stop() }
        let answer = try await session.data(from: url.appendingPathComponent("orgs/520200")).1 as! HTTPURLResponse
        #expect(answer.statusCode == 303 && answer.value(forHTTPHeaderField: "Location") == "/login")
    }
}
