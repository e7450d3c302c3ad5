-- 0012 attachments: documents and photos attached to records (a plan's PDF, its signed cover
-- page, a drill's photos).
--
-- `attachment` is a synced table like the others (0002's bookkeeping columns): who attached
-- which file to which record syncs and merges as any record does, and its org is the org of
-- the record it belongs to, so it goes where that record goes and no further.
CREATE TABLE attachment (
    id          TEXT NOT NULL PRIMARY KEY,
    org         TEXT NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    versions    TEXT NOT NULL DEFAULT '',
    record_kind TEXT,
    record_id   TEXT,
    name        TEXT,
    media_type  TEXT,
    size        INTEGER,
    sha256      TEXT
);
CREATE INDEX attachment_org ON attachment(org);
CREATE INDEX attachment_record ON attachment(record_id);
CREATE INDEX attachment_sha256 ON attachment(sha256);

INSERT INTO synced_table (name) VALUES ('attachment');

-- The bytes, named by their SHA-256 and stored once per node however many attachments refer
-- to them, in chunks of `chunk_size` bytes (the last one shorter): the unit of transfer, so a
-- cut link costs at most a chunk. `complete` is set once every chunk is here and the whole
-- was hashed again; `sent_up` once the parent said it has the whole file. A file being stored
-- is hashed as it is read, under a provisional name that its row takes once it is known
-- (chunks refer to the row's id, so renaming never rewrites them).
CREATE TABLE blob (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE,
    size       INTEGER NOT NULL CHECK (size >= 0),
    chunk_size INTEGER NOT NULL CHECK (chunk_size > 0),
    complete   INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    sent_up    INTEGER NOT NULL DEFAULT 0 CHECK (sent_up IN (0, 1))
);

-- A rowid table: its rows are up to a megabyte, which SQLite keeps in overflow pages.
CREATE TABLE blob_chunk (
    id   INTEGER PRIMARY KEY,
    blob INTEGER NOT NULL REFERENCES blob(id) ON DELETE CASCADE,
    idx  INTEGER NOT NULL CHECK (idx >= 0),
    data BLOB NOT NULL,
    UNIQUE (blob, idx)
);
