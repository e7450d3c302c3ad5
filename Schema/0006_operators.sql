-- 0006 operators: people who read a hub's reports and dashboard (not nodes: they sync
-- nothing). Each sees the subtree of one org at or below the hub's own. As for nodes, only
-- the SHA-256 hash of a credential is stored.
CREATE TABLE operator (
    id               TEXT NOT NULL PRIMARY KEY,
    name             TEXT NOT NULL,
    org              TEXT NOT NULL REFERENCES org_unit(code),
    credential_hash  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    revoked_at       TEXT,
    last_seen        TEXT
) WITHOUT ROWID;

-- Stock moved in by transfers is credited to `to_org`: the reserves report looks it up by org.
CREATE INDEX stock_event_to_org ON stock_event(to_org);
