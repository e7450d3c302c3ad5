-- 0001 foundation: this node's identity, the org hierarchy, reference vocabulary, and the
-- change log that sync sends. Shipped migrations never change: add a new numbered file.

-- Org units known to this node (from seeds/ now; from upper levels later).
-- `path` is the chain of codes from the root, '520000/520200/520201': a record's scope.
CREATE TABLE org_unit (
    code    TEXT NOT NULL PRIMARY KEY,
    parent  TEXT REFERENCES org_unit(code),
    name    TEXT NOT NULL,
    level   TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village', 'enterprise')),
    path    TEXT NOT NULL UNIQUE,
    sample  INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1))
);
CREATE INDEX org_unit_parent ON org_unit(parent);

-- Reference vocabulary: plan levels and categories, contact roles, material categories...
-- `key` is the English kebab-case key stored in records; `name` the Chinese name.
CREATE TABLE vocabulary (
    kind      TEXT NOT NULL,
    key       TEXT NOT NULL,
    name      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (kind, key),
    UNIQUE (kind, name)
) WITHOUT ROWID;

-- This database's node: exactly one row, made by `tiersync init`.
-- `clock` is the greatest hybrid-logical-clock stamp observed from other nodes. The last
-- stamp issued here is the newest local entry of the change log, so a restarted node starts
-- from the greater of the two and never issues an older stamp.
CREATE TABLE node (
    id          TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    org         TEXT NOT NULL REFERENCES org_unit(code),
    created_at  TEXT NOT NULL,
    clock       INTEGER NOT NULL DEFAULT 0,
    one_row     INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (one_row = 1)
);

-- Tables whose rows are synced records with change capture.
CREATE TABLE synced_table (
    name TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;

-- The change log: one row per changed field of a synced record, local or received, in the
-- order this node learned of them. Peers keep cursors into `seq`; it is never reused because
-- compaction only drops superseded entries and the newest entry is never superseded.
CREATE TABLE change_log (
    seq     INTEGER PRIMARY KEY,
    tbl     TEXT NOT NULL,
    record  TEXT NOT NULL,
    org     TEXT NOT NULL,
    field   TEXT NOT NULL,
    value,
    hlc     INTEGER NOT NULL,
    node    TEXT NOT NULL,
    vv      TEXT NOT NULL
);
