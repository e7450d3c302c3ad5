import Foundation
import GRDB
import Logging
import TierSyncCore

/// One node's SQLite database: opening, migrations, and transactions with change capture.
///
/// ```swift
/// var random = SystemRandomNumberGenerator()
/// let store = try NodeStore.create(
///     path: "town.db", org: "520201101", randomNumbers: &random, seed: { db in ... })
/// let changes = try store.write { writer in
///     try writer.insert(table: "contact", id: RecordID.random(using: &random), org: "520201101",
///                       fields: ["name": .text("张三")])
/// }
/// ```
///
/// Every write is one transaction: the record rows, their change-log entries and the
/// node's clock commit together or not at all.
public final class NodeStore: Sendable {
    public let path: String
    public let node: NodeIdentity
    /// The synced tables and their fields, read from the schema when the store opened.
    public let tables: [String: SyncedTable]
    /// How concurrent versions are ranked, per table and field (declared by the domain).
    public let policies: MergePolicies
    let queue: DatabaseQueue
    let aside: AsideReader
    /// The directory of nodes and orgs, kept while it does not change.
    public let directories = DirectoryCache()
    public let wallClock: any WallClock
    let logger: Logger

    /// How long a writer waits for another process's transaction before failing.
    public static let busyTimeout: TimeInterval = 10

    private init(
        path: String, queue: DatabaseQueue, policies: MergePolicies, wallClock: any WallClock, logger: Logger
    ) throws {
        self.path = path
        self.policies = policies
        self.queue = queue
        self.aside = AsideReader(path: path)
        self.wallClock = wallClock
        self.logger = logger
        (self.node, self.tables) = try queue.read { db in
            guard let node = try NodeIdentity.fetchOne(db) else { throw StoreError.notInitialized(path: path) }
            return (node, try SyncedTable.loadAll(db))
        }
    }

    /// Opens an existing node's database, applying any migrations it lacks.
    ///
    /// - Parameter laterMigrations: migrations of a release to come, after this release's own,
    ///   for tests that run a node of that release (see `SchemaMigrations.migrator`).
    public static func open(
        path: String, policies: MergePolicies = MergePolicies(), wallClock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "tiersync.store"), laterMigrations: [SchemaMigration] = []
    ) throws -> NodeStore {
        switch try DatabaseFileCheck.inspect(path: path) {
        case .absent:
            throw StoreError.noDatabase(path: path)
        case .tierSync(node: nil):
            throw StoreError.notInitialized(path: path)
        case .tierSync:
            let queue = try openQueue(path: path, logger: logger, later: laterMigrations)
            let store = try NodeStore(
                path: path, queue: queue, policies: policies, wallClock: wallClock, logger: logger)
            try store.applyOpaqueNowKnown()
            return store
        }
    }

    /// Makes a new node at `path` (which must not hold a node yet): applies the schema, lets
    /// `seed` load reference data, and records the node's identity, all in one transaction
    /// after the migrations.
    ///
    /// - Parameters:
    ///   - org: the code of the node's org unit; `seed` must have loaded it.
    ///   - seed: loads org units and vocabulary; it runs before the node row is written.
    public static func create(
        path: String, org: String, policies: MergePolicies = MergePolicies(),
        wallClock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "tiersync.store"),
        randomNumbers: inout some RandomNumberGenerator, nodeID: NodeID? = nil, laterMigrations: [SchemaMigration] = [],
        seed: (Database) throws -> Void
    ) throws -> NodeStore {
        // Refused from the read-only check, so the file is not migrated either.
        if case .tierSync(let existing?) = try DatabaseFileCheck.inspect(path: path) {
            throw StoreError.alreadyInitialized(path: path, org: existing.org, node: existing.id.rawValue)
        }
        let existedBefore = FileManager.default.fileExists(atPath: path)
        let identity = NodeIdentity(
            id: nodeID ?? NodeID.random(using: &randomNumbers), org: org,
            createdAt: ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds()))
        let queue: DatabaseQueue
        do {
            queue = try openQueue(path: path, logger: logger, later: laterMigrations)
            do {
                try queue.write { db in
                    try seed(db)
                    try identity.insert(db)
                }
            } catch {
                try? queue.close()
                throw error
            }
        } catch {
            // A failed init leaves no file behind that later looks like a half-made node.
            if !existedBefore {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            throw error
        }
        logger.info("created node", metadata: ["node": "\(identity.id)", "org": "\(org)", "path": "\(path)"])
        return try NodeStore(path: path, queue: queue, policies: policies, wallClock: wallClock, logger: logger)
    }

    /// Opens (creating if needed) the SQLite file in WAL mode with foreign keys on and a busy
    /// timeout, then applies the missing migrations.
    static func openQueue(
        path: String, logger: Logger, migrationLimit: Int? = nil, later: [SchemaMigration] = []
    ) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(busyTimeout)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        // A commit is durable when it returns: a hub acknowledges a push only after its
        // transaction commits, and in WAL mode NORMAL (GRDB's choice for WAL, set as the
        // queue opens) may lose the last commits on power loss, for it syncs only at
        // checkpoints. FULL syncs the WAL at every commit.
        //
        // Statement journals in memory: SQLite keeps the pages a savepoint (or a statement
        // inside a transaction) changes in a journal, to roll it back alone. As temporary
        // files, when a hub's group commit applied each push in a savepoint, they took three
        // quarters of its writes to the kernel (`tiersync-bench group-apply`: 9% of the
        // writer's time). Each holds the pages of one push or statement, dropped at its end.
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY")
        }
        let migrator = SchemaMigrations.migrator(limit: migrationLimit, later: later)
        let pending = try queue.read { db in
            try Set(migrator.migrations).subtracting(migrator.appliedIdentifiers(db))
        }
        try migrator.migrate(queue)
        for identifier in pending.sorted() {
            logger.info("applied migration", metadata: ["migration": "\(identifier)", "path": "\(path)"])
        }
        return queue
    }

    /// Runs `body` in one write transaction with change capture; commits when it returns,
    /// rolls everything back when it throws.
    @discardableResult
    public func write<T>(_ body: (inout ChangeWriter) throws -> T) throws -> T {
        try translatingSQLiteErrors {
            try queue.write { db in
                var writer = try ChangeWriter(
                    db: db, tables: tables, policies: policies, wallClock: wallClock, directories: directories)
                return try body(&writer)
            }
        }
    }

    /// Runs `body` with a read-only view of the database.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingSQLiteErrors { try queue.read(body) }
    }

    /// Runs `body` with a read-only view of the database on a second connection, so that the
    /// node's writes and ordinary reads (syncs, pages) need not wait for it: for long reads
    /// (reports over a whole subtree). Long reads queue behind each other on that connection.
    /// It sees what was committed when it began.
    public func readAside<T>(_ body: (Database) throws -> T) throws -> T {
        try translatingSQLiteErrors { try aside.read(body) }
    }

    /// Runs `body`, turning SQLite's "busy" and "full" into errors that say what happened and
    /// what to do (SQLite has rolled the transaction back by then).
    func translatingSQLiteErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        {
            throw StoreError.locked(path: path, waited: Self.busyTimeout)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw StoreError.diskFull(path: path)
        }
    }

    public func close() throws {
        try aside.close()
        try queue.close()
    }

    /// The synced table named `name`, or an error listing the known ones.
    public func table(named name: String) throws -> SyncedTable {
        guard let table = tables[name] else {
            throw StoreError.unknownTable(name, known: tables.keys.sorted())
        }
        return table
    }
}
