import Foundation
import GRDB

/// A second, read-only connection to a node's file, opened on first use, for reads long
/// enough (a province's reports group a million rows) that the node's own connection must
/// not wait for them: in WAL mode this connection reads a snapshot while syncs and clerks
/// go on writing through the other.
final class AsideReader: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var queue: DatabaseQueue?

    init(path: String) { self.path = path }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try connection().read(body)
    }

    private func connection() throws -> DatabaseQueue {
        try lock.withLock {
            if let queue { return queue }
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(NodeStore.busyTimeout)
            let opened = try DatabaseQueue(path: path, configuration: configuration)
            queue = opened
            return opened
        }
    }

    func close() throws {
        try lock.withLock {
            try queue?.close()
            queue = nil
        }
    }
}
