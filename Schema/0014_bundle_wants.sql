-- 0014 bundle wants: the files a peer said, in its last bundle, it still lacks (a folder of
-- files lost or damaged on the way). The next bundle to that peer carries them again, if they
-- are in its scope. Replaced by each bundle the peer sends.
CREATE TABLE peer_wanted_file (
    org    TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (org, sha256)
) WITHOUT ROWID;
