import Foundation
import Testing
import TierSyncDomain

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a hub answers to request bodies it cannot read: 400 naming what was wrong.
@Suite struct RequestBodyTests {
    let hub: LiveHub
    init() async throws { hub = try await LiveHub() }

    func push(_ body: Data, gzip: Bool) async throws -> (Int, String) {
        let code = try hub.city.issueEnrollment(for: "520201").code
        let credential = try hub.city.acceptEnrollment(code: code, node: "00000000000000cc").credential
        var request = URLRequest(url: hub.url.appendingPathComponent("v1/push"))
        request.httpMethod = "POST"
        request.setValue("1", forHTTPHeaderField: "TierSync-Protocol")
        request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        if gzip { request.setValue("gzip", forHTTPHeaderField: "Content-Encoding") }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test("a push whose gzip body is damaged gets 400 saying so, not a bundle's error")
    func damagedGzip() async throws {
        let (status, body) = try await push(Data([0x1F, 0x8B, 0x08, 0x00, 0xDE, 0xAD]), gzip: true)
        #expect(status == 400 && body.contains("not readable gzip") && !body.contains("bundle"), "\(body)")
    }

    @Test("a push that is not a push page gets 400")
    func notAPage() async throws {
        let (status, body) = try await push(Data(#"{"changes":"#.utf8), gzip: false)
        #expect(status == 400 && body.contains("not the JSON this endpoint takes"), "\(body)")
    }
}
