-- 0005 snapshot: a new node is bootstrapped from its parent's record rows (a snapshot), page
-- by page, before it follows the parent's log. While a snapshot is under way its progress is
-- kept with the parent's cursor, so a cut transfer resumes where it stopped:
--   snapshot_position: the parent's log position when the snapshot began; the log is
--                      followed from there once the snapshot is complete;
--   snapshot_after:    the last record applied ('table/id'); NULL when none yet.
ALTER TABLE peer_cursor ADD COLUMN snapshot_position INTEGER;
ALTER TABLE peer_cursor ADD COLUMN snapshot_after TEXT;
