import Foundation
import GRDB

/// Looks at a file before TierSync opens it for writing, so that a file that is not a
/// TierSync database, or is one from a newer TierSync, is refused and left byte-for-byte
/// untouched (opening in WAL mode would otherwise rewrite its header).
enum DatabaseFileCheck {
    enum Finding: Equatable {
        /// No file, or an empty one: a new database may be made there.
        case absent
        /// A TierSync database whose schema this build can open (perhaps after migrating),
        /// with its node once `init` has made one.
        case tierSync(node: NodeIdentity?)
    }

    static let sqliteHeader = Array("SQLite format 3\u{0}".utf8)

    static func inspect(path: String) throws -> Finding {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { return .absent }
        if isDirectory.boolValue {
            throw StoreError.notATierSyncDatabase(path: path, reason: "it is a directory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.notATierSyncDatabase(path: path, reason: "it cannot be read")
        }
        let header = try handle.read(upToCount: 16) ?? Data()
        try handle.close()
        if header.isEmpty { return .absent }
        guard Array(header) == sqliteHeader else {
            throw StoreError.notATierSyncDatabase(path: path, reason: "it is not an SQLite file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        // Another process may be opening or checkpointing the same node right now.
        configuration.busyMode = .timeout(NodeStore.busyTimeout)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            if tables.isEmpty { return .absent }
            guard tables.contains("grdb_migrations"), tables.contains("node") else {
                let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", ..." : "")
                throw StoreError.notATierSyncDatabase(
                    path: path, reason: "it is an SQLite database with other tables: \(shown)")
            }
            let migrator = SchemaMigrations.migrator()
            if try migrator.hasBeenSuperseded(db) {
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                throw StoreError.newerSchema(
                    path: path, fileVersion: SchemaMigrations.version(of: applied),
                    knownVersion: SchemaMigrations.knownVersion)
            }
            // The node row's columns are those of 0001, so it reads the same at any version.
            return .tierSync(node: try NodeIdentity.fetchOne(db))
        }
    }
}
