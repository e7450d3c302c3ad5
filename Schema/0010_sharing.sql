-- 0010 sharing: records an upper level shares downward (directories, templates, directives,
-- deadline extensions), receipts of what arrived or was read at each level, and directives.

-- `share` says how far below its owner a record reaches: 'subtree' (every unit below),
-- 'children' (the units directly below), or null (only the owner's own subtree, as before).
-- Shared records are read-only below.
ALTER TABLE contact ADD COLUMN share TEXT;
ALTER TABLE plan ADD COLUMN share TEXT;

-- A directive (通知, 任务下达) from an upper level to the units below, with a deadline. Same
-- bookkeeping columns as the other synced tables (0002).
CREATE TABLE directive (
    id        TEXT NOT NULL PRIMARY KEY,
    org       TEXT NOT NULL,
    created   INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0,
    versions  TEXT NOT NULL DEFAULT '',
    title     TEXT,
    kind      TEXT,
    body      TEXT,
    deadline  TEXT,
    share     TEXT
);
CREATE INDEX directive_org ON directive(org);

-- A later due date that an upper level grants its units for a reporting period (a
-- half-month YYYY-MM-H1/H2, a month YYYY-MM for drills, or a year YYYY for the year-end
-- summary). Shared downward like a directive.
CREATE TABLE deadline_extension (
    id        TEXT NOT NULL PRIMARY KEY,
    org       TEXT NOT NULL,
    created   INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0,
    versions  TEXT NOT NULL DEFAULT '',
    period    TEXT,
    due       TEXT,
    note      TEXT,
    share     TEXT
);
CREATE INDEX deadline_extension_org ON deadline_extension(org);

-- That a record reached a level (`event` 'arrived', written by the node of that level when
-- the record first arrives there), or that a person there read it ('read'). Owned by the
-- record's org when that is in the writing node's subtree (a report's arrival upward), else by
-- the writing node's own org (a directive's arrival or reading below): either way it syncs
-- to every level that sees the record.
CREATE TABLE receipt (
    id        TEXT NOT NULL PRIMARY KEY,
    org       TEXT NOT NULL,
    created   INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0,
    versions  TEXT NOT NULL DEFAULT '',
    tbl       TEXT,
    record    TEXT,
    level     TEXT,
    event     TEXT,
    at        TEXT,
    reader    TEXT
);
CREATE INDEX receipt_record ON receipt(record, level, event);

INSERT INTO synced_table (name) VALUES ('directive'), ('deadline_extension'), ('receipt');

INSERT INTO vocabulary (kind, key, name, position) VALUES
    ('directive-kind', 'notice', '通知', 1),
    ('directive-kind', 'task-assignment', '任务下达', 2),
    ('share', 'subtree', '所有下级', 1),
    ('share', 'children', '直属下级', 2),
    ('share', 'none', '不共享', 3);
