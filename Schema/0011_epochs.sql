-- 0011 epochs: checkpoints that survive a restore from backup, kept on both sides of a link
-- and compared (as CouchDB's replication checkpoints are).

-- The epochs of this node's log. A new one starts in every copy `tiersync backup` writes and
-- at every `tiersync restore`, so a node restored from a backup announces an epoch its peers
-- have not seen, and the log position it starts from: positions after it may have been
-- given to other changes before the restore. The current epoch is the last row.
CREATE TABLE log_epoch (
    n           INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE CHECK (length(id) = 16),
    since_seq   INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason IN ('created', 'backup', 'restore'))
);
INSERT INTO log_epoch (id, since_seq, started_at, reason)
VALUES (lower(hex(randomblob(8))), ifnull((SELECT max(seq) FROM change_log), 0),
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'created');

-- The epoch of the peer's log as last seen here: a parent announcing another one was
-- restored, and the pull cursor goes back to where its new epoch starts.
ALTER TABLE peer_cursor ADD COLUMN epoch TEXT;

-- How far this node's clock was from its parent's at the last contact (milliseconds, this
-- node's clock minus the parent's), as the parent measured it; null until it is known.
ALTER TABLE parent_link ADD COLUMN clock_offset_ms INTEGER;
