import Foundation
import TierSyncClient
import TierSyncHub
import TierSyncTestSupport

/// A hub's routes served in this process on a free loopback port, for the client's tests.
///
/// ```swift
/// let (url, server) = await Loopback.serve(HubService(node: city, logger: silent))
/// defer { server.cancel() }
/// ```
enum Loopback {
    /// Starts `service` on 127.0.0.1, port 0, and returns its URL once it listens, with the
    /// task running it (cancel it to stop).
    static func serve(_ service: HubService) async -> (url: URL, server: Task<Void, any Error>) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = service.application(host: "127.0.0.1", port: 0) { continuation.yield($0) }
        let server = Task(executorPreference: OwnThreads.servers) { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        return (URL(string: "http://127.0.0.1:\(await iterator.next() ?? 0)")!, server)
    }

    /// The client's transport for a hub served here: waits up to two minutes for an answer.
    ///
    /// A link's 30 s is for a parent in another process. A hub served in this process shares
    /// the suite's threads with every test running at once, on CI's two cores, so an answer
    /// can come later than that without anything being wrong with either side.
    static func transport() -> URLSessionTransport { URLSessionTransport(timeout: TestHTTP.timeout) }
}
