import Foundation
import Testing
import TierSyncTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the hub refuses at the HTTP edge, with raw requests (as a buggy or hostile client
/// would send them): wrong protocol version, no or wrong credential, a push outside the
/// child's subtree.
@Suite(.serialized, .ownThreads) struct HubRefusalTests {
    let scratch: Scratch
    let hub: HubProcess
    let credential: String

    init() throws {
        scratch = try Scratch()
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        hub = try HubProcess(db: city, scratch: scratch)
        try joinNode(county, hub: hub, parentDB: city, org: "520201")
        credential = try SQLiteShell.run(county, "SELECT credential FROM parent_link")
    }

    /// Sends a raw request; returns the status and the body's `error`.
    func send(_ method: String, _ path: String, headers: [String: String], body: String? = nil) async throws -> (
        Int, String
    ) {
        var request = URLRequest(url: URL(string: hub.url + path)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await TestHTTP.data(for: request)
        let error =
            (try? JSONDecoder().decode([String: String].self, from: data))?["error"]
            ?? String(decoding: data, as: UTF8.self)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, error)
    }

    @Test("a client speaking another protocol version gets 400 naming both versions")
    func protocolVersion() async throws {
        let (status, error) = try await send(
            "GET", "/v1/status", headers: ["TierSync-Protocol": "2", "Authorization": "Bearer \(credential)"])
        #expect(status == 400 && error.contains("version 2") && error.contains("version 1"), "\(error)")
        let (missing, message) = try await send("GET", "/v1/status", headers: [:])
        #expect(missing == 400 && message.contains("TierSync-Protocol"), "\(message)")
    }

    @Test("a missing or wrong credential gets 401 and nothing else")
    func unauthenticated() async throws {
        for headers in [
            ["TierSync-Protocol": "1"], ["TierSync-Protocol": "1", "Authorization": "Bearer 0123456789abcdef.wrong"],
        ] {
            let (status, error) = try await send("GET", "/v1/pull?after=0", headers: headers)
            #expect(status == 401 && !error.contains("changes"), "\(error)")
        }
        let (status, _) = try await send(
            "GET", "/v1/status", headers: ["TierSync-Protocol": "1", "Authorization": "Bearer \(credential)"])
        #expect(status == 200)
    }

    @Test("a push holding a record outside the child's subtree is refused whole with 403 naming it")
    func outsideSubtree() async throws {
        let node = String(credential.prefix(16))
        let change = { (record: String, org: String) in
            #"{"t":"contact","r":"\#(record)","o":"\#(org)","f":"name","v":"x","h":117964288000000000,"n":"\#(node)","vv":"\#(node):1"}"#
        }
        let body =
            #"{"changes":[\#(change("6f9619ff-8b86-4011-b42d-00c04fc964ff", "520201")),\#(change("7f9619ff-8b86-4011-b42d-00c04fc964ff", "520203"))],"nodes":{"\#(node)":"520201"},"upTo":2}"#
        let headers = [
            "TierSync-Protocol": "1", "Authorization": "Bearer \(credential)", "Content-Type": "application/json",
        ]
        let (status, error) = try await send("POST", "/v1/push", headers: headers, body: body)
        #expect(
            status == 403 && error.contains("7f9619ff-8b86-4011-b42d-00c04fc964ff") && error.contains("520203"),
            "\(error)")
        #expect(try SQLiteShell.integer(scratch.path("city.db"), "SELECT count(*) FROM contact") == 0)
        let (badJSON, _) = try await send("POST", "/v1/push", headers: headers, body: "{not json")
        #expect(badJSON == 400)
    }
}
