-- 0004 trust: enrollment of children, their credentials, and this node's link to its parent.
-- Only hashes (SHA-256) of codes and credentials are stored on the issuing side.

-- One-time enrollment codes an administrator issued for a child org.
CREATE TABLE enrollment (
    code_hash   TEXT NOT NULL PRIMARY KEY,
    org         TEXT NOT NULL REFERENCES org_unit(code),
    issued_at   TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,     -- wall-clock milliseconds
    used_at     TEXT,
    used_by     TEXT                  -- the node that exchanged it
) WITHOUT ROWID;

-- Children enrolled here, each with the hash of its credential.
CREATE TABLE child_node (
    id               TEXT NOT NULL PRIMARY KEY,
    org              TEXT NOT NULL REFERENCES org_unit(code),
    credential_hash  TEXT NOT NULL,
    enrolled_at      TEXT NOT NULL,
    revoked_at       TEXT,
    last_contact     TEXT
) WITHOUT ROWID;

-- This node's parent hub, when it has one: where it syncs and the credential it presents.
CREATE TABLE parent_link (
    one_row      INTEGER NOT NULL PRIMARY KEY CHECK (one_row = 1),
    url          TEXT NOT NULL,
    org          TEXT NOT NULL,
    node         TEXT NOT NULL,
    credential   TEXT NOT NULL,
    joined_at    TEXT NOT NULL,
    last_sync    TEXT,
    last_error   TEXT
);
