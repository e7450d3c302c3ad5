import NIOCore
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// The bytes of attachments on a PostgreSQL hub (`blob`, `blob_chunk` as in SQLite), with the
/// checks of the SQLite node: who may send or fetch which file, the limits, each chunk's hash
/// and the whole's. Chunks are written outside the writer lock (they are not in the log); a
/// lock per file keeps two processes receiving its last chunks from both missing the whole.
extension PostgresHub {
    public func blob(_ sha256: String) throws -> BlobInfo? {
        try store.withSession { try Self.blob(sha256, $0) }
    }

    static func blob(_ sha256: String, _ session: PostgresSession) throws -> BlobInfo? {
        try session.query(
            """
            SELECT b.size, b.chunk_size, b.complete, b.sent_up, (SELECT count(*) FROM blob_chunk c WHERE c.blob = b.id)
            FROM blob b WHERE b.sha256 = $1
            """, [.text(sha256)]
        ).first.map { row in
            let (size, chunkSize, complete, sentUp, chunks) = try row.decode((Int64, Int64, Int32, Int32, Int64).self)
            return BlobInfo(
                sha256: sha256, size: Int(size), chunkSize: Int(chunkSize), complete: complete != 0,
                sentUp: sentUp != 0, chunksHere: Int(chunks))
        }
    }

    public func attachedSize(of sha256: String) throws -> Int? {
        try store.withSession { session in
            try session.query("SELECT max(size) FROM attachment WHERE sha256 = $1 AND deleted = 0", [.text(sha256)])
                .first?.decode(Int64?.self).map(Int.init)
        }
    }

    public func blobChunk(_ sha256: String, index: Int) throws -> [UInt8]? {
        try store.withSession { session in try Self.chunk(sha256, index: index, session) }
    }

    /// Chunk `index` of `sha256`, read in the session; nil when it is not here.
    static func chunk(_ sha256: String, index: Int, _ session: PostgresSession) throws -> [UInt8]? {
        try session.query(
            "SELECT c.data FROM blob_chunk c JOIN blob b ON b.id = c.blob WHERE b.sha256 = $1 AND c.idx = $2",
            [.text(sha256), .integer(Int64(index))]
        ).first.map { Array(try $0.decode(ByteBuffer.self).readableBytesView) }
    }

    public func blobChunksHere(_ sha256: String) throws -> [Int] {
        try store.withSession { session in
            try session.query(
                "SELECT c.idx FROM blob_chunk c JOIN blob b ON b.id = c.blob WHERE b.sha256 = $1 ORDER BY c.idx",
                [.text(sha256)]
            ).map { Int(try $0.decode(Int64.self)) }
        }
    }

    @discardableResult
    public func receiveChunk(_ bytes: [UInt8], index: Int, chunkSHA256: String, of sha256: String, size: Int)
        throws -> BlobInfo
    {
        let (blob, mismatch) = try store.withSession { session in
            try session.transaction { () throws -> (BlobInfo, StoreError?) in
                try session.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text(sha256)])
                try session.query(
                    "INSERT INTO blob (sha256, size, chunk_size) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
                    [.text(sha256), .integer(Int64(size)), .integer(Int64(BlobStore.chunkSize))])
                guard var blob = try Self.blob(sha256, session) else {
                    throw PostgresStoreError.corrupt("no blob \(sha256) just after it was inserted")
                }
                if blob.complete { return (blob, nil) }
                try BlobStore.check(
                    bytes, index: index, chunkSHA256: chunkSHA256, of: blob, size: size, chunkSize: BlobStore.chunkSize)
                try session.query(
                    """
                    INSERT INTO blob_chunk (blob, idx, data) SELECT id, $2, $3 FROM blob WHERE sha256 = $1
                    ON CONFLICT (blob, idx) DO UPDATE SET data = excluded.data
                    """, [.text(sha256), .integer(Int64(index))], bytes: bytes)
                blob = try Self.blob(sha256, session) ?? blob
                guard blob.chunksHere == blob.chunkCount else { return (blob, nil) }
                return try verify(blob, session)
            }
        }
        if let mismatch { throw mismatch }
        return blob
    }

    /// Hashes the whole blob again, a chunk at a time; marks it complete, or drops it and
    /// returns the mismatch.
    func verify(_ blob: BlobInfo, _ session: PostgresSession) throws -> (BlobInfo, StoreError?) {
        var hasher = BlobHasher()
        for index in 0..<blob.chunkCount {
            guard let bytes = try Self.chunk(blob.sha256, index: index, session) else { break }
            hasher.update(bytes)
        }
        var blob = blob
        let actual = hasher.finish()
        guard actual == blob.sha256 else {
            try session.query("DELETE FROM blob WHERE sha256 = $1", [.text(blob.sha256)])
            blob.chunksHere = 0
            return (blob, StoreError.blobMismatch(sha256: blob.sha256, actual: actual))
        }
        try session.query("UPDATE blob SET complete = 1 WHERE sha256 = $1", [.text(blob.sha256)])
        blob.complete = true
        return (blob, nil)
    }

    public func checkUpload(sha256: String, size: Int, from child: OrgUnit, limits: TierSyncNode.FileLimits) throws {
        try store.read { session in
            let (owned, scope) = PostgresStore.ownedInSubtree(of: child.path, from: 2)
            let sizes = try session.query(
                "SELECT DISTINCT size FROM attachment WHERE sha256 = $1 AND deleted = 0 AND size IS NOT NULL AND \(owned)",
                [.text(sha256)] + scope
            ).map { Int(try $0.decode(Int64.self)) }
            try TierSyncNode.checkUpload(sha256: sha256, size: size, attachedSizes: sizes, limits: limits)
            let held =
                try session.query(
                    """
                    SELECT coalesce(sum(size), 0)::bigint FROM blob WHERE sha256 != $1 AND sha256 IN (
                        SELECT sha256 FROM attachment WHERE deleted = 0 AND \(owned))
                    """, [.text(sha256)] + scope
                ).first?.decode(Int64.self) ?? 0
            try TierSyncNode.checkUpload(size: size, held: Int(held), from: child, limits: limits)
        }
    }

    public func checkDownload(sha256: String, for child: OrgUnit) throws {
        try store.read { session in
            let attachments = try session.query(
                """
                SELECT a.id, o.path FROM attachment a JOIN org_unit o ON o.code = a.org
                WHERE a.sha256 = $1 AND a.deleted = 0
                """, [.text(sha256)]
            ).map { try $0.decode((String, String).self) }
            try rules.checkDownload(
                sha256: sha256, attachments: attachments.map { ($0.0, $0.1) }, for: child,
                PostgresShareLookup(session: session))
        }
    }
}

extension PostgresHub {
    /// The blobs to send the parent: whole here, attached to records of this hub's subtree,
    /// and not yet said by the parent to be whole there.
    public func blobsToSendUp() throws -> [BlobInfo] {
        try store.read { session in
            let (units, values) = PostgresStore.subtree(of: hubOrg.path, alias: "o", from: 1)
            return try session.query(
                """
                SELECT b.sha256 FROM blob b WHERE b.complete = 1 AND b.sent_up = 0 AND EXISTS (
                    SELECT 1 FROM attachment a JOIN org_unit o ON o.code = a.org
                    WHERE a.sha256 = b.sha256 AND a.deleted = 0 AND \(units))
                ORDER BY b.id
                """, values
            ).compactMap { try Self.blob(try $0.decode(String.self), session) }
        }
    }

    /// Files attached here whose bytes are not all here yet, oldest first.
    public func blobsWanted() throws -> [(sha256: String, size: Int)] {
        try store.read { session in
            try session.query(
                """
                SELECT a.sha256, max(a.size) FROM attachment a LEFT JOIN blob b ON b.sha256 = a.sha256
                WHERE a.deleted = 0 AND a.sha256 IS NOT NULL AND coalesce(b.complete, 0) = 0
                GROUP BY a.sha256 ORDER BY min(a.created)
                """
            ).map { row in
                let (sha256, size) = try row.decode((String, Int64?).self)
                return (sha256, Int(size ?? 0))
            }
        }
    }

    public func markSentUp(_ sha256: String) throws {
        _ = try store.withSession { session in
            try session.query("UPDATE blob SET sent_up = 1 WHERE sha256 = $1", [.text(sha256)])
        }
    }
}
