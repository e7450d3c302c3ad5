-- 0002 records: the synced record tables. Every one has the same bookkeeping columns:
--   id        UUID made where the record was created
--   org       owning org unit (scope); fixed at creation
--   created   HLC stamp of the first change, updated: of the latest change
--   deleted   1 when tombstoned (the `_deleted` field); rows are never removed
--   versions  the current version (stamp, node, version vector) of every field, one line each
-- and then its own fields, whose names are the field names of the change log.
-- No foreign key on org: a record may arrive from a peer before its org unit does.

CREATE TABLE plan (
    id                 TEXT NOT NULL PRIMARY KEY,
    org                TEXT NOT NULL,
    created            INTEGER NOT NULL,
    updated            INTEGER NOT NULL,
    deleted            INTEGER NOT NULL DEFAULT 0,
    versions           TEXT NOT NULL DEFAULT '',
    title              TEXT,
    level              TEXT,
    category           TEXT,
    status             TEXT,
    version            TEXT,
    revision_deadline  TEXT,
    documents          TEXT,
    filed_with         TEXT,
    filed_on           TEXT,
    filing_verdict     TEXT
);
CREATE INDEX plan_org ON plan(org);

CREATE TABLE contact (
    id              TEXT NOT NULL PRIMARY KEY,
    org             TEXT NOT NULL,
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0,
    versions        TEXT NOT NULL DEFAULT '',
    role            TEXT,
    hazard          TEXT,
    name            TEXT,
    post            TEXT,
    phone           TEXT,
    wechat          TEXT,
    last_confirmed  TEXT
);
CREATE INDEX contact_org ON contact(org);

CREATE TABLE material_item (
    id            TEXT NOT NULL PRIMARY KEY,
    org           TEXT NOT NULL,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    deleted       INTEGER NOT NULL DEFAULT 0,
    versions      TEXT NOT NULL DEFAULT '',
    name          TEXT,
    category      TEXT,
    unit          TEXT,
    reserve_kind  TEXT,
    custodian     TEXT
);
CREATE INDEX material_item_org ON material_item(org);

-- Stock events are immutable: a balance is the sum of `delta` at (org, site), plus, for a
-- transfer, `-delta` at (to_org, to_site). A correction is a reversing event.
CREATE TABLE stock_event (
    id           TEXT NOT NULL PRIMARY KEY,
    org          TEXT NOT NULL,
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL,
    deleted      INTEGER NOT NULL DEFAULT 0,
    versions     TEXT NOT NULL DEFAULT '',
    item         TEXT,
    kind         TEXT,
    site         TEXT,
    quantity     REAL,
    delta        REAL,
    to_org       TEXT,
    to_site      TEXT,
    source       TEXT,
    occurred_on  TEXT,
    reverses     TEXT,
    note         TEXT
);
CREATE INDEX stock_event_org ON stock_event(org);
CREATE INDEX stock_event_item ON stock_event(item);

CREATE TABLE drill (
    id            TEXT NOT NULL PRIMARY KEY,
    org           TEXT NOT NULL,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    deleted       INTEGER NOT NULL DEFAULT 0,
    versions      TEXT NOT NULL DEFAULT '',
    title         TEXT,
    kind          TEXT,
    held_on       TEXT,
    plan          TEXT,
    participants  INTEGER,
    evaluation    TEXT
);
CREATE INDEX drill_org ON drill(org);

CREATE TABLE progress_report (
    id            TEXT NOT NULL PRIMARY KEY,
    org           TEXT NOT NULL,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    deleted       INTEGER NOT NULL DEFAULT 0,
    versions      TEXT NOT NULL DEFAULT '',
    period        TEXT,
    body          TEXT,
    submitted_at  TEXT
);
CREATE INDEX progress_report_org ON progress_report(org);

INSERT INTO synced_table (name) VALUES
    ('plan'), ('contact'), ('material_item'), ('stock_event'), ('drill'), ('progress_report');
