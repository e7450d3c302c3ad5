-- 0009 procedures: approval by an upper level (with its lock), filing verdicts with a note,
-- the decisions on pending amendments, close-out requests, and approval rules.

-- An approval: the org that approved the record (null while not approved), when, by whom,
-- with what note. These fields are written only by units above the record's owner; while
-- `approved_by` holds a code, the record is locked against edits from below (RecordLock).
ALTER TABLE plan ADD COLUMN approved_by TEXT;
ALTER TABLE plan ADD COLUMN approved_at TEXT;
ALTER TABLE plan ADD COLUMN approver TEXT;
ALTER TABLE plan ADD COLUMN approved_note TEXT;
-- The filing reviewer's note beside its verdict (退回 reasons, say).
ALTER TABLE plan ADD COLUMN filing_note TEXT;

ALTER TABLE progress_report ADD COLUMN approved_by TEXT;
ALTER TABLE progress_report ADD COLUMN approved_at TEXT;
ALTER TABLE progress_report ADD COLUMN approver TEXT;
ALTER TABLE progress_report ADD COLUMN approved_note TEXT;

ALTER TABLE task ADD COLUMN approved_by TEXT;
ALTER TABLE task ADD COLUMN approved_at TEXT;
ALTER TABLE task ADD COLUMN approver TEXT;
ALTER TABLE task ADD COLUMN approved_note TEXT;

-- A decision on a pending amendment (an edit made below before an approval reached it),
-- written by the approving level in the same transaction as the edit that settles it, and
-- owned by the record's org so that the unit below sees the outcome and the reason. Same
-- bookkeeping columns as the other synced tables (0002).
CREATE TABLE amendment_review (
    id          TEXT NOT NULL PRIMARY KEY,
    org         TEXT NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    versions    TEXT NOT NULL DEFAULT '',
    tbl         TEXT,
    record      TEXT,
    field       TEXT,
    value       TEXT,
    node        TEXT,
    hlc         INTEGER,
    decision    TEXT,
    reason      TEXT,
    decided_by  TEXT,
    decider     TEXT,
    decided_at  TEXT
);
CREATE INDEX amendment_review_record ON amendment_review(record);
INSERT INTO synced_table (name) VALUES ('amendment_review');

-- Per record kind, whether this node approves a unit's record only once every child unit's
-- record of the same period (or the same task) is approved (DHIS2's approval levels). Local:
-- each level sets its own rule.
CREATE TABLE approval_rule (
    kind            TEXT NOT NULL PRIMARY KEY,
    children_first  INTEGER NOT NULL CHECK (children_first IN (0, 1))
) WITHOUT ROWID;

-- The filing verdict's keys are accepted / returned (pending while under review); nodes made
-- before this kept 'approved' for accepted, shown as such.
UPDATE vocabulary SET name = '审查通过（旧）', position = 9 WHERE kind = 'filing-verdict' AND key = 'approved';
INSERT INTO vocabulary (kind, key, name, position) VALUES
    ('filing-verdict', 'accepted', '审查通过', 3),
    ('task-status', 'close-requested', '申请销号', 4);
