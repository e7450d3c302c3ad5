import Foundation
import Hummingbird
import Logging
import TierSyncClient
import TierSyncDomain
import TierSyncHub

/// A hub served in this process on a free loopback port, and children enrolled with it.
struct LiveHub {
    let node: TierSyncNode
    let url: URL
    let task: Task<Void, any Error>

    static func start(_ node: TierSyncNode) async throws -> LiveHub {
        let silent = Logger(label: "bench.hub", factory: { _ in SwiftLogNoOpLogHandler() })
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = HubService(node: node, logger: silent).application(host: "127.0.0.1", port: 0) { port in
            continuation.yield(port)
        }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ValidationErrorText("the hub did not start") }
        return LiveHub(node: node, url: URL(string: "http://127.0.0.1:\(port)")!, task: task)
    }

    /// A new child node of `org` at `path`, enrolled with this hub.
    func enroll(org: String, path: String, transport: any SyncTransport = URLSessionTransport()) async throws
        -> TierSyncNode
    {
        let code = try node.issueEnrollment(for: org, hours: 1).code
        return try await Enrollment.join(path: path, parent: url, code: code, transport: transport).0
    }

    func stop() { task.cancel() }
}

struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A transport that counts the body bytes it sends and receives.
final class CountingTransport: SyncTransport, @unchecked Sendable {
    private let inner = URLSessionTransport()
    private let lock = NSLock()
    private(set) var sent = 0
    private(set) var received = 0
    private(set) var requests = 0

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let response = try await inner.send(request)
        lock.withLock {
            sent += request.body?.count ?? 0
            received += response.body.count
            requests += 1
        }
        return response
    }

    func reset() { lock.withLock { (sent, received, requests) = (0, 0, 0) } }
}
