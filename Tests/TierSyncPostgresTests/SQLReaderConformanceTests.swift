import GRDB
import Testing
import TierSyncCore
import TierSyncStore

@testable import TierSyncPostgres

/// The reports' queries read rows the same through either store (`SQLReader`): placeholders,
/// the types aggregates come back as, and the dialect's spellings.
@Suite struct SQLReaderConformanceTests {
    @Test("? placeholders are numbered for PostgreSQL, except inside quoted strings and names")
    func placeholders() {
        let (sql, count) = PostgresSession.numbered(#"SELECT '?', ?, "a?b", x FROM t WHERE y = ? AND z = 'it''s ?́'"#)
        #expect(sql == #"SELECT '?', $1, "a?b", x FROM t WHERE y = $2 AND z = 'it''s ?́'"# && count == 2)
    }

    @Test("counts, sums of whole numbers, booleans, reals, text and NULL read alike on both stores")
    func valuesAlike() throws {
        let database = try PostgresScratchDatabase()
        let session = try PostgresSession.connect(database.address, logger: PostgresScratchDatabase.silent)
        defer { try? session.close() }
        try session.query("CREATE TABLE t (org text, n bigint, x double precision)")
        try session.query("INSERT INTO t VALUES ('a', 2, 0.5), ('a', 3, 1.25), ('b', NULL, NULL)")
        let sqlite = try DatabaseQueue()
        try sqlite.write { db in
            try db.execute(sql: "CREATE TABLE t (org TEXT, n INTEGER, x REAL)")
            try db.execute(sql: "INSERT INTO t VALUES ('a', 2, 0.5), ('a', 3, 1.25), ('b', NULL, NULL)")
        }
        let query = """
            SELECT org, count(*), sum(n), count(*) FILTER (WHERE n > ?), sum(x), max(n), count(n) > 0, NULL
            FROM t WHERE org IN \(SQLDialect.sqlite.jsonTextList) GROUP BY org ORDER BY org
            """
        func rows(_ reader: any SQLReader) throws -> [[FieldValue]] {
            let list = query.replacingOccurrences(
                of: SQLDialect.sqlite.jsonTextList, with: reader.dialect.jsonTextList)
            return try reader.rows(list, [.integer(2), SQLDialect.jsonList(["a", "b", "c\"d"])]).map(\.values)
        }
        let onSQLite = try sqlite.read { try rows($0) }
        let onPostgres = try rows(session)
        #expect(
            onSQLite == [
                [.text("a"), .integer(2), .integer(5), .integer(1), .real(1.75), .integer(3), .integer(1), .null],
                [.text("b"), .integer(1), .null, .integer(0), .null, .null, .integer(0), .null],
            ])
        #expect(onPostgres == onSQLite)
        #expect(throws: PostgresStoreError.self) { try session.rows("SELECT ?, ?", [.integer(1)]) }
        let row = SQLRow(onPostgres[0])
        let (org, count, missing): (String, Int, String?) = (row[0], row[1], row[7])
        #expect(org == "a" && count == 2 && missing == nil)
    }
}
