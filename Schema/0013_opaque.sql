-- 0013 opaque: changes of tables and fields this release does not know, sent by a node of a
-- later release (a township upgraded before its county). They are kept in the change log as
-- they came and forwarded with their own stamps, node and vector, and shown nowhere. This
-- table names them, so that compaction keeps them, a change sent twice is kept once, and the
-- release that knows them applies them when it opens the file.
CREATE TABLE opaque_change (
    tbl    TEXT NOT NULL,
    record TEXT NOT NULL,
    field  TEXT NOT NULL,
    node   TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    PRIMARY KEY (tbl, record, field, node, hlc)
) WITHOUT ROWID;
