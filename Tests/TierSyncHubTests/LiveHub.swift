import Foundation
import Hummingbird
import Logging
import TierSyncDomain
import TierSyncHub

/// A hub for a new city node, served on a free loopback port for the length of a test; its
/// folder is removed with it.
final class LiveHub {
    let directory: URL
    let city: TierSyncNode
    let url: URL
    let server: Task<Void, any Error>

    init(logger: Logger? = nil) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-hub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        city = try TierSyncNode.create(
            path: directory.appendingPathComponent("city.db").path, org: "520200", logger: silent)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = HubService(node: city, logger: logger ?? silent).application(host: "127.0.0.1", port: 0) {
            continuation.yield($0)
        }
        server = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        url = URL(string: "http://127.0.0.1:\(await iterator.next()!)")!
    }

    func stop() { server.cancel() }

    deinit {
        server.cancel()
        try? FileManager.default.removeItem(at: directory)
    }
}
