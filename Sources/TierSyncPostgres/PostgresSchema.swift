import TierSyncStore

/// The tables of a node's store in PostgreSQL: the same names and columns as the SQLite
/// schema (`Schema/*.sql`), with the record tables made from the tables this release
/// declares (`SyncedTable.declared()`), so that the SQL migrations stay the one source of the
/// record layout. The change log is one row per change, as `change_log` was before SQLite
/// packed local writes (`0016_packed_log`): a PostgreSQL hub takes no clerk's writes, and entries are
/// numbered alike on both.
///
/// A value whose type varies by field (the log's and the conflicts' `value`) is stored as
/// tagged text (`PostgresValue`), exact for every `FieldValue`.
enum PostgresSchema {
    static let foundation = """
        CREATE TABLE IF NOT EXISTS org_unit (
            code   text PRIMARY KEY,
            parent text,
            name   text NOT NULL,
            level  text NOT NULL,
            path   text COLLATE "C" NOT NULL UNIQUE
        );
        CREATE TABLE IF NOT EXISTS node (
            id         text PRIMARY KEY CHECK (length(id) = 16),
            org        text NOT NULL REFERENCES org_unit(code),
            created_at text NOT NULL,
            clock      bigint NOT NULL DEFAULT 0,
            one_row    integer NOT NULL DEFAULT 1 UNIQUE CHECK (one_row = 1)
        );
        CREATE TABLE IF NOT EXISTS peer_node (
            id  text PRIMARY KEY,
            org text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS change_log (
            seq    bigserial PRIMARY KEY,
            tbl    text NOT NULL,
            record text NOT NULL,
            org    text NOT NULL,
            field  text NOT NULL,
            value  text,
            hlc    bigint NOT NULL,
            node   text NOT NULL,
            vv     text NOT NULL
        );
        CREATE INDEX IF NOT EXISTS change_log_record ON change_log (tbl, record, field);
        CREATE TABLE IF NOT EXISTS conflict (
            id           bigserial PRIMARY KEY,
            kind         text NOT NULL,
            tbl          text NOT NULL,
            record       text NOT NULL,
            org          text NOT NULL,
            field        text NOT NULL,
            value        text,
            hlc          bigint NOT NULL,
            node         text NOT NULL,
            vv           text NOT NULL,
            detected_at  bigint NOT NULL,
            needs_review boolean NOT NULL,
            settled_hlc  bigint,
            settled_node text,
            settlement   text
        );
        CREATE INDEX IF NOT EXISTS conflict_open ON conflict (tbl, record) WHERE settled_hlc IS NULL;
        CREATE TABLE IF NOT EXISTS enrollment (
            code_hash  text PRIMARY KEY,
            org        text NOT NULL REFERENCES org_unit(code),
            issued_at  text NOT NULL,
            expires_at bigint NOT NULL,
            used_at    text,
            used_by    text
        );
        CREATE TABLE IF NOT EXISTS child_node (
            id              text PRIMARY KEY,
            org             text NOT NULL REFERENCES org_unit(code),
            credential_hash text NOT NULL,
            enrolled_at     text NOT NULL,
            revoked_at      text,
            last_contact    text
        );
        CREATE TABLE IF NOT EXISTS peer_cursor (
            org               text PRIMARY KEY,
            node              text,
            received_seq      bigint NOT NULL DEFAULT 0,
            acked_seq         bigint NOT NULL DEFAULT 0,
            last_contact      text,
            snapshot_position bigint,
            snapshot_after    text,
            epoch             text
        );
        CREATE TABLE IF NOT EXISTS log_epoch (
            n          bigserial PRIMARY KEY,
            id         text NOT NULL UNIQUE CHECK (length(id) = 16),
            since_seq  bigint NOT NULL,
            started_at text NOT NULL,
            reason     text NOT NULL CHECK (reason IN ('created', 'backup', 'restore'))
        );
        CREATE TABLE IF NOT EXISTS blob (
            id         bigserial PRIMARY KEY,
            sha256     text NOT NULL UNIQUE,
            size       bigint NOT NULL CHECK (size >= 0),
            chunk_size bigint NOT NULL CHECK (chunk_size > 0),
            complete   integer NOT NULL DEFAULT 0,
            sent_up    integer NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS blob_chunk (
            blob bigint NOT NULL REFERENCES blob(id) ON DELETE CASCADE,
            idx  bigint NOT NULL CHECK (idx >= 0),
            data bytea NOT NULL,
            PRIMARY KEY (blob, idx)
        );
        CREATE TABLE IF NOT EXISTS parent_link (
            one_row         integer PRIMARY KEY DEFAULT 1 CHECK (one_row = 1),
            url             text NOT NULL,
            org             text NOT NULL REFERENCES org_unit(code),
            node            text NOT NULL,
            credential      text NOT NULL,
            joined_at       text NOT NULL,
            last_sync       text,
            last_error      text,
            clock_offset_ms bigint
        );
        CREATE TABLE IF NOT EXISTS sync_attempt (
            id        bigserial PRIMARY KEY,
            at        text NOT NULL,
            ok        bigint NOT NULL,
            pushed    bigint NOT NULL DEFAULT 0,
            pulled    bigint NOT NULL DEFAULT 0,
            copied    bigint NOT NULL DEFAULT 0,
            conflicts bigint NOT NULL DEFAULT 0,
            refused   bigint NOT NULL DEFAULT 0,
            error     text,
            refusals  text
        );
        CREATE TABLE IF NOT EXISTS "operator" (
            id              text PRIMARY KEY,
            name            text NOT NULL,
            org             text NOT NULL REFERENCES org_unit(code),
            credential_hash text NOT NULL,
            created_at      text NOT NULL,
            revoked_at      text,
            last_seen       text
        );
        CREATE TABLE IF NOT EXISTS opaque_change (
            tbl    text NOT NULL,
            record text NOT NULL,
            field  text NOT NULL,
            node   text NOT NULL,
            hlc    bigint NOT NULL,
            PRIMARY KEY (tbl, record, field, node, hlc)
        );
        CREATE TABLE IF NOT EXISTS web_session (
            id_hash    text PRIMARY KEY,
            subject    text NOT NULL,
            csrf       text NOT NULL,
            created_at bigint NOT NULL,
            last_seen  bigint NOT NULL
        );
        CREATE INDEX IF NOT EXISTS web_session_subject ON web_session (subject);
        CREATE TABLE IF NOT EXISTS user_account (
            login         text PRIMARY KEY,
            name          text NOT NULL,
            role          text NOT NULL CHECK (role IN ('clerk', 'reviewer', 'admin')),
            org           text NOT NULL REFERENCES org_unit(code),
            password_hash text NOT NULL,
            created_at    text NOT NULL,
            disabled_at   text,
            last_sign_in  text
        );
        CREATE TABLE IF NOT EXISTS sign_in_failure (
            key      text PRIMARY KEY,
            failures bigint NOT NULL,
            last_at  bigint NOT NULL
        );
        CREATE TABLE IF NOT EXISTS peer_wanted_file (
            org    text NOT NULL,
            sha256 text NOT NULL,
            PRIMARY KEY (org, sha256)
        );
        CREATE TABLE IF NOT EXISTS approval_rule (
            kind           text PRIMARY KEY,
            children_first integer NOT NULL CHECK (children_first IN (0, 1))
        );
        CREATE TABLE IF NOT EXISTS vocabulary (
            kind     text NOT NULL,
            key      text NOT NULL,
            name     text NOT NULL,
            position bigint NOT NULL,
            PRIMARY KEY (kind, key)
        );
        """

    /// The record table of `table`: bookkeeping columns as in SQLite, each field typed by its
    /// declared affinity.
    static func recordTable(_ table: SyncedTable) -> String {
        let fields = table.fields.map { field in "    \(field.name) \(type(of: field))" }
        return """
            CREATE TABLE IF NOT EXISTS \(table.name) (
                id       text COLLATE "C" PRIMARY KEY,
                org      text NOT NULL,
                created  bigint NOT NULL,
                updated  bigint NOT NULL,
                deleted  integer NOT NULL DEFAULT 0,
                versions text NOT NULL DEFAULT '',
            \(fields.joined(separator: ",\n"))
            );
            CREATE INDEX IF NOT EXISTS \(table.name)_org ON \(table.name) (org);
            """
    }

    /// The column type of a field, by its declared affinity.
    static func type(of field: SyncedTable.Field) -> String {
        switch field.affinity {
        case .text: "text"
        case .integer: "bigint"
        case .real: "double precision"
        }
    }

    /// Whether the database lacks a table of the schema: a store made by an earlier release,
    /// to which `open` adds what it lacks (every statement is `IF NOT EXISTS`).
    static func isMissingTables(in session: PostgresSession, tables: [String: SyncedTable]) throws -> Bool {
        let present = Set(
            try session.query("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()")
                .map { try $0.decode(String.self) })
        return !Set(script(tables).compactMap(tableName)).isSubset(of: present)
    }

    /// The table a statement of the script creates, if it creates one.
    static func tableName(_ statement: String) -> String? {
        guard let range = statement.range(of: "CREATE TABLE IF NOT EXISTS ") else { return nil }
        return statement[range.upperBound...].prefix { $0 != " " && $0 != "(" }.filter { $0 != "\"" }
    }

    /// The schema's statements, one a string.
    static func script(_ tables: [String: SyncedTable]) -> [String] {
        ([foundation] + tables.values.sorted(by: { $0.name < $1.name }).map(recordTable))
            .joined(separator: ";\n").split(separator: ";\n").map(String.init)
    }

    /// Creates whatever of the schema is missing, in the session's transaction.
    static func create(in session: PostgresSession, tables: [String: SyncedTable]) throws {
        // One statement per query: the extended protocol takes no more.
        for statement in script(tables) { try session.query(statement) }
    }
}
