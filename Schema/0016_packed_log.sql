-- 0016 packed log: a local write logs all its fields in one row. Before, every field was a row
-- of its own that repeated the table, record, org, stamp, node and vector; writing those
-- rows was most of a local write's cost (see BENCHMARKS.md, local write).
--
-- A row holds `n` consecutive entries ending at `seq`: the first in `field`/`value`, the
-- others in `more`, a JSON array of [field, value] pairs. An entry's sequence number is
-- seq - n + 1 + its index, so cursors keep counting entries, as they did, and peers holding
-- one see no change. Compaction marks a dropped entry instead of removing it (the first by
-- field = '', one in `more` by null), so the others keep their numbers.
--
-- The rows written before this migration are entries of one (n = 1, more NULL), as are the
-- changes received from peers.
ALTER TABLE change_log RENAME TO change_log_row;
ALTER TABLE change_log_row ADD COLUMN n INTEGER NOT NULL DEFAULT 1 CHECK (n >= 1);
ALTER TABLE change_log_row ADD COLUMN more TEXT;

-- The entries one by one, as the table was before: for reading by hand and for tests. A
-- number is read back through SQLite's JSON, which keeps 15 digits of a real; the program
-- reads `more` itself, exactly.
CREATE VIEW change_log (seq, tbl, record, org, field, value, hlc, node, vv) AS
SELECT seq - n + 1, tbl, record, org, field, value, hlc, node, vv FROM change_log_row WHERE field <> ''
UNION ALL
SELECT r.seq - r.n + 2 + m.key, r.tbl, r.record, r.org, m.value ->> 0, m.value ->> 1, r.hlc, r.node, r.vv
FROM change_log_row r, json_each(r.more) m
WHERE r.more IS NOT NULL AND m.type = 'array';
