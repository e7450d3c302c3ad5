import Foundation
import Testing
import TierSyncDomain
import TierSyncTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a hub answers to request bodies it cannot read: 400 naming what was wrong, on either
/// store.
@Suite struct RequestBodyTests {
    func push(_ body: Data, gzip: Bool, to store: HubStore) async throws -> (Int, String) {
        let hub = try await LiveSyncHub(store)
        let credential = try hub.enroll("00000000000000cc")
        var request = URLRequest(url: hub.url.appendingPathComponent("v1/push"))
        request.httpMethod = "POST"
        request.setValue("1", forHTTPHeaderField: "TierSync-Protocol")
        request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        if gzip { request.setValue("gzip", forHTTPHeaderField: "Content-Encoding") }
        request.httpBody = body
        let (data, response) = try await TestHTTP.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test("a push whose gzip body is damaged gets 400 saying so, not a bundle's error", arguments: HubStore.allCases)
    func damagedGzip(store: HubStore) async throws {
        let (status, body) = try await push(Data([0x1F, 0x8B, 0x08, 0x00, 0xDE, 0xAD]), gzip: true, to: store)
        #expect(status == 400 && body.contains("not readable gzip") && !body.contains("bundle"), "\(body)")
    }

    @Test("a push that is not a push page gets 400", arguments: HubStore.allCases)
    func notAPage(store: HubStore) async throws {
        let (status, body) = try await push(Data(#"{"changes":"#.utf8), gzip: false, to: store)
        #expect(status == 400 && body.contains("not the JSON this endpoint takes"), "\(body)")
    }
}
