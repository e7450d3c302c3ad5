-- 0008 people: the staff who use a node's web interface (the workbench), their sessions,
-- who made each local edit, and the outcome of each sync attempt. Nothing here syncs: people
-- sign in at their own node.

-- A person's account. Only a bcrypt hash of the password is kept. `org` is the subtree the
-- person works in (at or below the node's own org); `role` what they may do there.
CREATE TABLE user_account (
    login          TEXT NOT NULL PRIMARY KEY,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'admin')),
    org            TEXT NOT NULL REFERENCES org_unit(code),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    disabled_at    TEXT,
    last_sign_in   TEXT
) WITHOUT ROWID;

-- A signed-in browser. The cookie holds a random id; only its SHA-256 is stored here, so a
-- copy of the database opens no session. `subject` is 'user:LOGIN' or 'operator:ID'.
-- `last_seen` (ms since the epoch) ends the session after a spell of inactivity.
CREATE TABLE web_session (
    id_hash     TEXT NOT NULL PRIMARY KEY,
    subject     TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_session_subject ON web_session(subject);

-- Wrong passwords in a row, per login ('login:NAME') and per address ('address:IP'):
-- sign-ins slow down as they grow, and a correct one clears its login's row.
CREATE TABLE sign_in_failure (
    key       TEXT NOT NULL PRIMARY KEY,
    failures  INTEGER NOT NULL,
    last_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Who made an edit: one row per write made for a person on a web page, naming the node and
-- the range of clock stamps of that write's log entries. It is a synced table like the
-- records (same bookkeeping columns as 0002), owned by the org of the record written, so the
-- name reaches every node that sees the record (its parents, and the node itself after a
-- restore) through the same protocol, with no new field on the wire.
CREATE TABLE edit_author (
    id         TEXT NOT NULL PRIMARY KEY,
    org        TEXT NOT NULL,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    versions   TEXT NOT NULL DEFAULT '',
    node       TEXT,
    first_hlc  INTEGER,
    last_hlc   INTEGER,
    login      TEXT,
    name       TEXT
);
CREATE INDEX edit_author_node ON edit_author(node, first_hlc);
INSERT INTO synced_table (name) VALUES ('edit_author');

-- A record's history is read from the log by scanning it: an index on change_log(record)
-- made local writes 2-3x slower (random UUID keys in a second B-tree), for a page opened now
-- and then (see BENCHMARKS.md, the workbench's record page).

-- Each sync attempt with the parent, newest last: what moved, and the error of a failed one.
CREATE TABLE sync_attempt (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    ok         INTEGER NOT NULL CHECK (ok IN (0, 1)),
    pushed     INTEGER NOT NULL DEFAULT 0,
    pulled     INTEGER NOT NULL DEFAULT 0,
    copied     INTEGER NOT NULL DEFAULT 0,
    conflicts  INTEGER NOT NULL DEFAULT 0,
    refused    INTEGER NOT NULL DEFAULT 0,
    error      TEXT,
    refusals   TEXT
);
