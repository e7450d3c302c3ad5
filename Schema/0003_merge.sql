-- 0003 merge: versions kept beside the shown one (conflicts) and their history, the nodes this
-- node has heard of, and how far each peer has synced.

-- A conflict row is a version of a field that this node keeps but does not show (a loser of
-- a conflict), or, for kind 'deleted-while-edited', a field edit made without seeing a delete
-- of its record. While `settled_hlc` is NULL the row is kept: it takes part in merges and is
-- listed for review. Settling records what ended it; settled rows stay as history.
CREATE TABLE conflict (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('concurrent', 'deleted-while-edited')),
    tbl            TEXT NOT NULL,
    record         TEXT NOT NULL,
    org            TEXT NOT NULL,
    field          TEXT NOT NULL,
    value,
    hlc            INTEGER NOT NULL,
    node           TEXT NOT NULL,
    vv             TEXT NOT NULL,
    detected_at    INTEGER NOT NULL,
    needs_review   INTEGER NOT NULL DEFAULT 0,
    settled_hlc    INTEGER,
    settled_node   TEXT,
    settlement     TEXT
);
CREATE INDEX conflict_kept ON conflict(tbl, record, field) WHERE settled_hlc IS NULL;
CREATE UNIQUE INDEX conflict_kept_version ON conflict(kind, tbl, record, field, node, hlc) WHERE settled_hlc IS NULL;

-- Nodes this node has heard of (from bundles and enrollment) and their org: the merge ranks
-- versions by the org of the node that made them (owner wins, upper level wins).
CREATE TABLE peer_node (
    id   TEXT NOT NULL PRIMARY KEY,
    org  TEXT NOT NULL
) WITHOUT ROWID;

-- Sync progress with each peer (the parent, and each child), by the peer's org.
--   received_seq: the last sequence number of the peer's log this node has applied;
--   acked_seq:    the last sequence number of this node's log the peer has confirmed.
CREATE TABLE peer_cursor (
    org           TEXT NOT NULL PRIMARY KEY,
    node          TEXT,
    received_seq  INTEGER NOT NULL DEFAULT 0,
    acked_seq     INTEGER NOT NULL DEFAULT 0,
    last_contact  TEXT
) WITHOUT ROWID;
