import Foundation
import Testing
import TierSyncDomain
import TierSyncProtocol
import TierSyncTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Requests a hostile or broken client sends: each gets a 4xx that names what was wrong,
/// never a 500, and nothing is written; alike on a hub over SQLite and one over PostgreSQL.
/// (Bodies over the limit, which must be answered at once, are tested against a hub in its
/// own process: `OversizeBodyTests`.)
@Suite struct HostileRequestTests {
    /// A hub with one enrolled child, and the hub's log position before the test.
    struct Fixture {
        let hub: LiveSyncHub
        let credential: String
        let node = "00000000000000cc"
        let start: Int64

        init(_ store: HubStore) async throws {
            hub = try await LiveSyncHub(store)
            credential = try hub.enroll(node)
            start = try hub.logPosition(credential: credential)
        }

        func post(_ path: String, _ body: [UInt8], gzip: Bool = false) async throws -> (Int, String) {
            var request = URLRequest(url: hub.url.appendingPathComponent(path))
            request.httpMethod = "POST"
            request.setValue("1", forHTTPHeaderField: "TierSync-Protocol")
            request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
            if gzip { request.setValue("gzip", forHTTPHeaderField: "Content-Encoding") }
            request.httpBody = Data(body)
            let (data, response) = try await TestHTTP.data(for: request)
            let error = (try? JSONDecoder().decode([String: String].self, from: data))?["error"]
            return ((response as! HTTPURLResponse).statusCode, error ?? String(decoding: data, as: UTF8.self))
        }

        func change(
            r: String = "6f9619ff-8b86-4011-b42d-00c04fc964ff", h: String = "117964288000000000", n: String? = nil,
            vv: String? = nil
        ) -> String {
            let n = n ?? node
            let vv = vv ?? "\(node):1"
            return #"{"t":"contact","r":"\#(r)","o":"520201","f":"name","v":"x","h":\#(h),"n":"\#(n)","vv":"\#(vv)"}"#
        }

        func page(_ changes: [String], nodes: String? = nil, upTo: String = "1") -> [UInt8] {
            Array(
                #"{"changes":[\#(changes.joined(separator: ","))],"nodes":\#(nodes ?? #"{"\#(node)":"520201"}"#),"upTo":\#(upTo)}"#
                    .utf8)
        }

        /// The hub's log position: unchanged when nothing was written.
        func contacts() throws -> Int64 { try hub.logPosition(credential: credential) - start }
    }

    @Test("a gzip bomb is refused with 400 saying how far it inflates", arguments: HubStore.allCases)
    func gzipBomb(store: HubStore) async throws {
        let hub = try await Fixture(store)
        let bomb = await Task.detached {
            Gzip.compress([UInt8](repeating: 0x20, count: Gzip.inflateLimit + 1), level: 1)
        }
        .value
        #expect(bomb.count < SyncProtocol.maxBody)
        let (status, error) = try await hub.post("v1/push", bomb, gzip: true)
        #expect(status == 400 && error.contains("inflates beyond"), "\(error)")
    }

    @Test("deep nesting is refused with 400 naming the depth", arguments: HubStore.allCases)
    func deepNesting(store: HubStore) async throws {
        let hub = try await Fixture(store)
        let deep = Array(#"{"changes":[],"nodes":{},"upTo":1,"x":"#.utf8) + [UInt8](repeating: 0x5B, count: 100_000)
        let (status, error) = try await hub.post("v1/push", deep)
        #expect(status == 400 && error.contains("nesting deeper than"), "\(error)")
    }

    @Test("invalid UTF-8 in a value is refused, not repaired", arguments: HubStore.allCases)
    func invalidUTF8(store: HubStore) async throws {
        let hub = try await Fixture(store)
        var body = hub.page([hub.change()])
        let at = body.firstIndex(of: UInt8(ascii: "x"))!  // the "x" of "v":"x"
        body.replaceSubrange(at...at, with: [0xC3, 0x28])
        let (status, error) = try await hub.post("v1/push", body)
        #expect(status == 400 && error.contains("invalid UTF-8"), "\(error)")
        #expect(try hub.contacts() == 0)
    }

    @Test(
        "a malformed id, stamp or vector in a push gets 400 naming the key, worded as a push, not a bundle",
        arguments: HubStore.allCases,
        [
            ("r", "not-a-uuid"), ("n", "xyz"), ("vv", "garbage::"), ("h", "-5"), ("h", "0"),
        ])
    func malformedChange(store: HubStore, malformed: (key: String, value: String)) async throws {
        let hub = try await Fixture(store)
        let (key, value) = malformed
        let body: String
        switch key {
        case "r": body = hub.change(r: value)
        case "n": body = hub.change(n: value)
        case "vv": body = hub.change(vv: value)
        default: body = hub.change(h: value)
        }
        let (status, error) = try await hub.post(
            "v1/push", hub.page([hub.change(r: "7f9619ff-8b86-4011-b42d-00c04fc964ff"), body]))
        #expect(status == 400, "\(error)")
        #expect(error.contains("change 2 of the push") && error.contains("change \(key) ("), "\(error)")
        #expect(!error.contains("bundle"), "\(error)")
        #expect(try hub.contacts() == 0, "nothing of the page is applied")
    }

    @Test("a malformed sender node id or log position gets 400 naming it", arguments: HubStore.allCases)
    func malformedPage(store: HubStore) async throws {
        let hub = try await Fixture(store)
        let (status, error) = try await hub.post("v1/push", hub.page([hub.change()], nodes: #"{"nonsense":"520201"}"#))
        #expect(status == 400 && error.contains("nonsense"), "\(error)")
        let (negative, message) = try await hub.post("v1/push", hub.page([hub.change()], upTo: "-3"))
        #expect(negative == 400 && message.contains("upTo"), "\(message)")
        let (huge, text) = try await hub.post("v1/push", hub.page([hub.change()], upTo: "99999999999999999999999"))
        #expect(huge == 400 && text.contains("integer"), "\(text)")
        #expect(try hub.contacts() == 0)
    }
}
