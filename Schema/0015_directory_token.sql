-- 0015 directory token: a random number drawn again whenever a node's org or an org unit
-- changes, so that a process may keep its copy of the directory of nodes and orgs (read whole
-- for every sync) until it does. A token, not a counter: a transaction rolled back after
-- drawing one leaves the committed token, which no later commit draws again.
CREATE TABLE directory_token (
    token    INTEGER NOT NULL,
    one_row  INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (one_row = 1)
);
INSERT INTO directory_token (token) VALUES (random());

CREATE TRIGGER directory_peer_added AFTER INSERT ON peer_node
BEGIN UPDATE directory_token SET token = random(); END;
CREATE TRIGGER directory_peer_changed AFTER UPDATE ON peer_node
BEGIN UPDATE directory_token SET token = random(); END;
CREATE TRIGGER directory_peer_removed AFTER DELETE ON peer_node
BEGIN UPDATE directory_token SET token = random(); END;
CREATE TRIGGER directory_org_added AFTER INSERT ON org_unit
BEGIN UPDATE directory_token SET token = random(); END;
CREATE TRIGGER directory_org_changed AFTER UPDATE OF code, path ON org_unit
BEGIN UPDATE directory_token SET token = random(); END;
CREATE TRIGGER directory_org_removed AFTER DELETE ON org_unit
BEGIN UPDATE directory_token SET token = random(); END;
CREATE TRIGGER directory_node_added AFTER INSERT ON node
BEGIN UPDATE directory_token SET token = random(); END;
CREATE TRIGGER directory_node_changed AFTER UPDATE OF id, org ON node
BEGIN UPDATE directory_token SET token = random(); END;
