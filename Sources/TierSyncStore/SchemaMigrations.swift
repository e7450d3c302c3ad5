import GRDB
import TierSyncSchema

/// The migrations of `Schema/`, applied in order, each in its own transaction.
///
/// GRDB's migrator records applied identifiers in `grdb_migrations`, refuses nothing by
/// itself, and tells whether a file has migrations this build does not know
/// (`hasBeenSuperseded`), which `DatabaseFileCheck.inspect` turns into a clear refusal.
enum SchemaMigrations {
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
}

/// A migration: its identifier (`NNNN_name`) and its SQL.
public typealias SchemaMigration = (identifier: String, sql: String)
