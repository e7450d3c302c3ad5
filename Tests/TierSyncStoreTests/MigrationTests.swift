import Foundation
import GRDB
import Testing
import TierSyncSchema

@testable import TierSyncStore

@Suite struct MigrationTests {
    @Test("a fresh database gets every migration, WAL mode, foreign keys and a busy timeout")
    func fresh() throws {
        let dir = try TemporaryDirectory()
        let store = try TestStore.create(dir.path("n.db"))
        try store.read { (db: Database) throws in
            #expect(
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
                    == SchemaFiles.all.map(\.identifier))
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
            #expect(try Int.fetchOne(db, sql: "PRAGMA busy_timeout") == Int(NodeStore.busyTimeout * 1000))
        }
        #expect(
            store.tables.keys.sorted() == [
                "amendment_review", "attachment", "contact", "deadline_extension", "directive", "drill", "edit_author",
                "material_item", "plan", "progress_report", "receipt", "stock_event", "task",
            ])
        #expect(
            store.tables["contact"]!.fieldNames == [
                "role", "hazard", "name", "post", "phone", "wechat", "last_confirmed", "share",
            ])
    }

    @Test("an older file is upgraded on open and keeps its data")
    func upgrade() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.db")
        let old = try NodeStore.openQueue(path: path, logger: .init(label: "test"), migrationLimit: 1)
        try old.write { db in
            try TestStore.seed(db)
            try NodeIdentity(id: .init("00000000000000aa")!, org: TestStore.org, createdAt: "2026-01-01T00:00:00.000Z")
                .insert(db)
        }
        try old.close()
        let store = try NodeStore.open(path: path)
        #expect(store.node.id.rawValue == "00000000000000aa")
        #expect(store.tables["plan"] != nil)
        try store.read { (db: Database) throws in
            #expect(
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
                    == SchemaFiles.all.map(\.identifier))
            #expect(try OrgUnit.fetchCount(db) == 4)
        }
    }

    @Test("a file written by a newer TierSync is refused, naming both schema versions, and left untouched")
    func newer() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("new.db")
        let store = try TestStore.create(path)
        try store.read { _ in }
        try NodeStore.openQueue(path: path, logger: .init(label: "test")).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('0099_future')")
        }
        try store.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            try NodeStore.open(path: path)
        } throws: { error in
            let message = "\(error)"
            return message.contains("0099_future") && message.contains(SchemaMigrations.knownVersion)
                && message.contains("newer TierSync")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a file that is not SQLite is refused and left byte-for-byte untouched")
    func notSQLite() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("notes.db")
        let bytes = Data("乡镇台账 — not a database\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: path))
        for attempt in [{ _ = try NodeStore.open(path: path) }, { _ = try TestStore.create(path) }] {
            #expect(throws: StoreError.notATierSyncDatabase(path: path, reason: "it is not an SQLite file")) {
                try attempt()
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test("an SQLite database of another program is refused, naming its tables, and left untouched")
    func otherSQLite() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("other.db")
        let other = try DatabaseQueue(path: path)
        try other.write { db in try db.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY)") }
        try other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            try TestStore.create(path)
        } throws: { error in
            "\(error)".contains("not a TierSync database") && "\(error)".contains("customers")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("opening a missing file says how to create one, and creates nothing")
    func missing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("missing.db")
        #expect(throws: StoreError.noDatabase(path: path)) { try NodeStore.open(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a second init of the same file is refused")
    func secondInit() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("n.db")
        let store = try TestStore.create(path)
        #expect(throws: StoreError.alreadyInitialized(path: path, org: TestStore.org, node: store.node.id.rawValue)) {
            try TestStore.create(path, seed: 2)
        }
    }

    @Test("init refused on an older node leaves the file unmigrated, byte for byte")
    func refusedInitWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.db")
        let old = try NodeStore.openQueue(path: path, logger: .init(label: "test"), migrationLimit: 1)
        try old.write { db in
            try TestStore.seed(db)
            try NodeIdentity(id: .init("00000000000000aa")!, org: TestStore.org, createdAt: "2026-01-01T00:00:00.000Z")
                .insert(db)
        }
        try old.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.alreadyInitialized(path: path, org: TestStore.org, node: "00000000000000aa")) {
            try TestStore.create(path, seed: 2)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        var readOnly = Configuration()
        readOnly.readonly = true
        let applied = try DatabaseQueue(path: path, configuration: readOnly).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(applied == [SchemaFiles.all[0].identifier])
    }

    @Test("every .sql file of Schema/ is embedded, in order")
    func everyFileEmbedded() throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Schema")
            .standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: schema.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(files.map { String($0.dropLast(4)) } == SchemaFiles.all.map(\.identifier))
        for (identifier, sql) in SchemaFiles.all {
            #expect(try String(contentsOf: schema.appendingPathComponent(identifier + ".sql"), encoding: .utf8) == sql)
        }
    }
}
