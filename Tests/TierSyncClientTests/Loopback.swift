import Foundation
import TierSyncHub

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
        let server = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        return (URL(string: "http://127.0.0.1:\(await iterator.next() ?? 0)")!, server)
    }
}
