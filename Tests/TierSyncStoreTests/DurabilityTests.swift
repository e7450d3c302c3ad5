import Foundation
import GRDB
import Testing
import TierSyncCore

@testable import TierSyncStore

/// What a node's file survives: commits that are durable when they return, another process
/// holding the write lock, and a full disk. None of them may leave a write half-done.
@Suite struct DurabilityTests {
    let dir: TemporaryDirectory
    let clock = ManualWallClock(1_764_000_000_000)
    let store: NodeStore

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.create(dir.path("n.db"), clock: clock)
    }

    func insert(_ count: Int, from first: UInt64, phoneLength: Int = 11) throws {
        try store.write { writer in
            for n in first..<(first + UInt64(count)) {
                try writer.insert(
                    table: "contact", id: TestStore.newID(n), org: TestStore.org,
                    fields: [
                        "name": .text("示例·\(n)"), "role": .text("liaison"),
                        "phone": .text(String(repeating: "1", count: phoneLength)),
                    ])
            }
        }
    }

    func integrity() throws -> String {
        try store.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }

    @Test("every commit is synced to disk before it returns (synchronous = FULL, in WAL mode)")
    func synchronousFull() throws {
        let (mode, journal) = try store.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(mode == 2 && journal == "wal")
    }

    @Test("a write while another process holds the lock waits, then says the file is locked; nothing is corrupted")
    func lockedByAnotherProcess() async throws {
        try insert(1, from: 1)
        let other = try DatabaseQueue(path: dir.path("n.db"))
        let holding = AsyncStream.makeStream(of: Void.self)
        let release = AsyncStream.makeStream(of: Void.self)
        let holder = Task.detached {
            try other.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                holding.continuation.yield()
                // Held past the busy timeout; released by the test.
                let semaphore = DispatchSemaphore(value: 0)
                Task {
                    for await _ in release.stream { break }; semaphore.signal()
                }
                semaphore.wait()
                try db.execute(sql: "ROLLBACK")
            }
        }
        for await _ in holding.stream { break }
        let started = Date()
        var message = ""
        do { try insert(1, from: 2) } catch let error as StoreError { message = error.description }
        #expect(Date().timeIntervalSince(started) >= NodeStore.busyTimeout - 0.5, "it waited")
        #expect(
            message.contains("is locked by another process") && message.contains("nothing was written"), "\(message)")
        release.continuation.yield()
        try await holder.value
        try insert(1, from: 2)
        #expect(try integrity() == "ok")
        #expect(try TestStore.shown(store).count(where: { $0.contains("name") }) == 2)
    }

    @Test("a full disk during a write rolls all of it back with a clear error; the write succeeds once there is room")
    func diskFull() throws {
        try insert(1, from: 1)
        let before = try TestStore.changeLog(store).count
        let pages = try store.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        // SQLite's own size limit: the same SQLITE_FULL as a full disk, without filling one.
        try store.read { db in try db.execute(sql: "PRAGMA max_page_count = \(pages + 4)") }
        var message = ""
        do { try insert(300, from: 100, phoneLength: 200) } catch let error as StoreError {
            message = error.description
        }
        #expect(message.contains("is full") && message.contains("nothing of this write was applied"), "\(message)")
        #expect(try TestStore.changeLog(store).count == before, "nothing half-applied")
        #expect(try integrity() == "ok")
        try store.read { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        try insert(300, from: 100, phoneLength: 200)
        #expect(try TestStore.changeLog(store).count == before + 900)
    }
}
