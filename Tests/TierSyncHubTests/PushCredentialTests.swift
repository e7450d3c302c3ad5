import Foundation
import Testing
import TierSyncDomain
import TierSyncProtocol
import TierSyncTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A push's credential is checked before its body is read (against the children the hub
/// knows, `KnownCredentials`), and again in its group commit: a wrong one costs no decoding,
/// a child enrolled since is admitted, a revoked one is refused from then on. Alike on both
/// stores.
@Suite struct PushCredentialTests {
    /// Posts `body` to `/v1/push` with `credential`; the status and the error's text.
    func push(_ hub: LiveSyncHub, credential: String, body: [UInt8]) async throws -> (Int, String) {
        var request = URLRequest(url: hub.url.appendingPathComponent("v1/push"))
        request.httpMethod = "POST"
        request.setValue("1", forHTTPHeaderField: "TierSync-Protocol")
        request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(body)
        let (data, response) = try await TestHTTP.data(for: request)
        let error = (try? JSONDecoder().decode([String: String].self, from: data))?["error"]
        return ((response as! HTTPURLResponse).statusCode, error ?? String(decoding: data, as: UTF8.self))
    }

    /// A push of one contact's name by `node` of township 520201.
    func page(by node: String, record: String = "6f9619ff-8b86-4011-b42d-00c04fc964ff") -> [UInt8] {
        Array(
            #"{"changes":[{"t":"contact","r":"\#(record)","o":"520201","f":"name","v":"示例","h":117964288000000000,"n":"\#(node)","vv":"\#(node):1"}],"nodes":{"\#(node)":"520201"},"upTo":1}"#
                .utf8)
    }

    @Test("a new hub answers its first push while every thread of Swift's shared pool is busy")
    func firstPushWhileSharedPoolBusy() async throws {
        try await withTaskExecutorPreference(OwnThreads.servers) {
            let hub = try await LiveSyncHub(.sqlite)
            let credential = try hub.enroll("00000000000000cc")
            // Every thread of the shared pool held, as a suite's synchronous tests hold them.
            let holders = (0..<ProcessInfo.processInfo.activeProcessorCount).map { _ in
                Task.detached { Self.hold(seconds: 8) }
            }
            try await Task.sleep(for: .milliseconds(300))
            let started = ContinuousClock.now
            let (status, error) = try await push(hub, credential: credential, body: page(by: "00000000000000cc"))
            let waited = ContinuousClock.now - started
            #expect(status == 200, "\(error)")
            // Before, its list of credentials was read in a task of the shared pool, which
            // started only when the holders let go.
            #expect(waited < .seconds(4), "the first push waited \(waited) for the shared pool")
            for holder in holders { await holder.value }
        }
    }

    /// Holds the calling thread, as a synchronous test does.
    static func hold(seconds: Double) { Thread.sleep(forTimeInterval: seconds) }

    @Test("a wrong secret or an unknown node gets 401 before the body is read", arguments: HubStore.allCases)
    func refusedBeforeTheBody(store: HubStore) async throws {
        let hub = try await LiveSyncHub(store)
        let credential = try hub.enroll("00000000000000cc")
        let garbage = Array("not a push at all".utf8)
        for wrong in ["00000000000000cc.wrongsecret", "00000000000000ff.secret"] {
            let (status, error) = try await push(hub, credential: wrong, body: garbage)
            #expect(status == 401, "\(wrong): \(status) \(error)")
        }
        let (status, error) = try await push(hub, credential: credential, body: garbage)
        #expect(status == 400, "a right credential gets its body read: \(status) \(error)")
    }

    @Test(
        "a child enrolled after the hub read its list is admitted; one revoked after it pushed is refused from then on",
        arguments: HubStore.allCases)
    func enrolledAndRevokedSince(store: HubStore) async throws {
        let hub = try await LiveSyncHub(store)
        let first = try hub.enroll("00000000000000cc")
        #expect(try await push(hub, credential: first, body: page(by: "00000000000000cc")).0 == 200)
        // The hub has read its children's credentials by now; this one comes after.
        let second = try hub.enroll("00000000000000dd", org: "520201")
        let (status, error) = try await push(
            hub, credential: second, body: page(by: "00000000000000dd", record: "7f9619ff-8b86-4011-b42d-00c04fc964ff"))
        #expect(status == 200, "\(error)")
        try hub.revoke(node: "00000000000000dd")
        for _ in 0..<2 {
            let (refused, message) = try await push(hub, credential: second, body: page(by: "00000000000000dd"))
            #expect(refused == 401 && message.contains("revoked"), "\(refused) \(message)")
        }
    }
}
