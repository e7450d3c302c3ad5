-- 0007 tasks: the action's tasks, tracked to close-out (挂图作战、倒排工期、销号管理): each has a
-- responsible unit (the owning org), a deadline and a status, so that a county or the city
-- sees which units are late. Same bookkeeping columns as the other synced tables (0002).
CREATE TABLE task (
    id         TEXT NOT NULL PRIMARY KEY,
    org        TEXT NOT NULL,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    versions   TEXT NOT NULL DEFAULT '',
    title      TEXT,
    deadline   TEXT,
    status     TEXT,
    closed_on  TEXT,
    note       TEXT
);
CREATE INDEX task_org ON task(org);

INSERT INTO synced_table (name) VALUES ('task');

-- A node made before this migration has its vocabulary already: the task statuses come with
-- the table (seeds/vocabulary.csv does not repeat them).
INSERT INTO vocabulary (kind, key, name, position) VALUES
    ('task-status', 'open', '进行中', 1),
    ('task-status', 'closed', '已销号', 2),
    ('task-status', 'cancelled', '已取消', 3);
