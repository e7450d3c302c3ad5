import Foundation
import Logging
import Testing
import TierSyncDomain
import TierSyncHub
import TierSyncTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `/metrics` after real traffic: requests by route and status, changes pushed and pulled,
/// the apply histogram, each child's last contact, open conflicts, log and database size;
/// and the request id on every answer.
@Suite struct MetricsTests {
    func send(_ path: String, to hub: LiveSyncHub, method: String = "GET", bearer: String?, body: String? = nil)
        async throws -> (Int, String, HTTPURLResponse)
    {
        var request = URLRequest(url: URL(string: hub.url.absoluteString + path)!)
        request.httpMethod = method
        request.setValue("1", forHTTPHeaderField: "TierSync-Protocol")
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await TestHTTP.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, String(decoding: data, as: UTF8.self), http)  // URLSession inflates gzip
    }

    @Test(
        "after a push and a pull, /metrics counts them, times the apply and its group commit, and shows the child, conflicts and sizes",
        arguments: HubStore.allCases)
    func afterTraffic(store: HubStore) async throws {
        let hub = try await LiveSyncHub(store)
        let node = "00000000000000cc"
        let credential = try hub.enroll(node)
        let operatorCredential = try hub.addOperator(name: "示例·钱官")
        let stamp = Int64(Date().timeIntervalSince1970 * 1000) << 16
        let change = { (field: String, value: String) in
            #"{"t":"contact","r":"6f9619ff-8b86-4011-b42d-00c04fc964ff","o":"520201","f":"\#(field)","v":"\#(value)","h":\#(stamp),"n":"\#(node)","vv":"\#(node):1"}"#
        }
        let page =
            #"{"changes":[\#(change("role", "liaison")),\#(change("name", "示例")),\#(change("phone", "13900000001"))],"nodes":{"\#(node)":"520201"},"upTo":3}"#
        let (pushed, _, _) = try await send("/v1/push", to: hub, method: "POST", bearer: credential, body: page)
        #expect(pushed == 200)
        #expect(try await send("/v1/pull?after=0", to: hub, bearer: credential).0 == 200)

        let (status, text, _) = try await send("/metrics", to: hub, bearer: operatorCredential)
        #expect(status == 200)
        for line in [
            #"tiersync_http_requests_total{route="/v1/push",status="200"} 1"#,
            #"tiersync_http_requests_total{route="/v1/pull",status="200"} 1"#,
            "tiersync_changes_pushed_total 3", "tiersync_apply_duration_seconds_count 1",
            #"tiersync_child_last_contact_seconds{node="\#(node)",org="520201"}"#, "tiersync_open_conflicts 0",
            "tiersync_log_entries 3", "tiersync_database_bytes ",
            // The push went alone in a group commit of its own.
            "tiersync_group_commit_pushes_count 1", #"tiersync_group_commit_pushes_bucket{le="1.0"} 1"#,
            "tiersync_group_commit_duration_seconds_count 1",
        ] {
            #expect(text.contains(line), "\(line) in:\n\(text)")
        }
        #expect(try await send("/metrics", to: hub, bearer: nil).0 == 401, "metrics need an operator")
        #expect(
            try await send("/metrics", to: hub, bearer: credential).0 == 401, "a node credential is not an operator's")
        try hub.revokeOperator(operatorCredential)
        #expect(try await send("/metrics", to: hub, bearer: operatorCredential).0 == 401, "a revoked operator's")
    }

    @Test("the log lines of a request carry its id, the one its answer names")
    func requestID() async throws {
        let lines = LogLines()
        let logged = try await LiveHub(logger: Logger(label: "test") { _ in lines })
        let code = try logged.city.issueEnrollment(for: "520201").code
        let credential = try logged.city.acceptEnrollment(code: code, node: "00000000000000dd").credential
        var request = URLRequest(url: logged.url.appendingPathComponent("v1/push"))
        request.httpMethod = "POST"
        request.setValue("1", forHTTPHeaderField: "TierSync-Protocol")
        request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"changes":[],"nodes":{},"upTo":0}"#.utf8)
        let (_, response) = try await TestHTTP.data(for: request)
        let id = try #require((response as! HTTPURLResponse).value(forHTTPHeaderField: "X-Request-Id"))
        #expect(
            lines.all.contains { $0.message == "push applied" && $0.metadata["hb.request.id"] == id }, "\(lines.all)")
    }
}

/// A log handler that keeps every line, with its metadata as text.
final class LogLines: LogHandler, @unchecked Sendable {
    struct Line: CustomStringConvertible {
        let message: String
        let metadata: [String: String]
        var description: String { "\(message) \(metadata)" }
    }
    private let lock = NSLock()
    private var lines: [Line] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    var all: [Line] { lock.withLock { lines } }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        let merged = self.metadata.merging(metadata ?? [:]) { $1 }.mapValues { "\($0)" }
        lock.withLock { lines.append(Line(message: "\(message)", metadata: merged)) }
    }
}
