import GRDB
import TierSyncSchema

/// The migrations of `Schema/`, applied in order, each in its own transaction.
///
/// GRDB's migrator records applied identifiers in `grdb_migrations`, refuses nothing by
/// itself, and tells whether a file has migrations this build does not know
/// (`hasBeenSuperseded`), which `DatabaseFileCheck.inspect` turns into a clear refusal.
public enum SchemaMigrations {
    /// All migrations this build knows, or the first `limit` of them (to make older files
    /// in tests), then `later`: migrations of a release to come, for tests that run a node
    /// of that release beside nodes of this one.
    static func migrator(limit: Int? = nil, later: [SchemaMigration] = []) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (identifier, sql) in SchemaFiles.all.prefix(limit ?? SchemaFiles.all.count) + later {
            migrator.registerMigration(identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    /// The schema version a list of applied identifiers amounts to: the greatest one.
    static func version(of identifiers: some Sequence<String>) -> String {
        identifiers.max() ?? "none"
    }

    static var knownVersion: String { version(of: SchemaFiles.all.map(\.identifier)) }

    /// The vocabulary terms the migrations themselves add (task statuses, shares, directive
    /// kinds…), beside the seeds': read from the schema applied to a database in memory, so
    /// that a store on another engine (PostgreSQL) holds the terms a SQLite node holds.
    ///
    /// ```swift
    /// try SchemaMigrations.vocabulary().contains { $0.kind == "share" && $0.key == "children" }   // true
    /// ```
    public static func vocabulary() throws -> [VocabularyTerm] { try schemaVocabulary.get() }

    /// Read once a process: migrating a database in memory takes milliseconds.
    private static let schemaVocabulary = Result {
        let queue = try DatabaseQueue()
        try migrator().migrate(queue)
        return try queue.read { db in try VocabularyTerm.order(Column("kind"), Column("position")).fetchAll(db) }
    }
}

/// A migration: its identifier (`NNNN_name`) and its SQL.
public typealias SchemaMigration = (identifier: String, sql: String)
