import GRDB
import TierSyncCore
import TierSyncStore

/// Which files' bytes move between this node and its peers, who may send or fetch which, and
/// the limits a hub sets. The bytes go where their attachment row goes: a child sends those of
/// its subtree and fetches those in its scope, and never learns of a sibling's files.
extension TierSyncNode {
    /// What a hub takes from its children: bytes per file, and bytes per child in all.
    public struct FileLimits: Sendable, Equatable {
        public var maxFileBytes: Int
        public var maxChildBytes: Int

        public init(maxFileBytes: Int = 512 << 20, maxChildBytes: Int = 4 << 30) {
            self.maxFileBytes = maxFileBytes
            self.maxChildBytes = maxChildBytes
        }
    }

    /// What this node has of the blob `sha256`; nil when nothing.
    public func blob(_ sha256: String) throws -> BlobInfo? {
        try store.read { db in try BlobStore.info(sha256, db: db) }
    }

    /// The size the live attachments referring to `sha256` give; nil when none does.
    public func attachedSize(of sha256: String) throws -> Int? {
        try store.read { db in
            try Int.fetchOne(
                db, sql: "SELECT max(size) FROM attachment WHERE sha256 = ? AND deleted = 0", arguments: [sha256])
        }
    }

    /// Chunk `index` of the blob `sha256`; nil when it is not here.
    public func blobChunk(_ sha256: String, index: Int) throws -> [UInt8]? {
        try store.read { db in try BlobStore.chunk(sha256, index: index, db: db) }
    }

    /// The indices of the chunks of `sha256` that are here.
    public func blobChunksHere(_ sha256: String) throws -> [Int] {
        try store.read { db in try BlobStore.chunksHere(sha256, db: db) }
    }

    /// Stores a chunk received from a peer, in its own transaction (see `BlobStore.receive`).
    ///
    /// - Throws: `StoreError.badChunk` for a chunk refused, `StoreError.blobMismatch` after
    ///   the last chunk when the whole did not match (then all of it was dropped).
    @discardableResult
    public func receiveChunk(_ bytes: [UInt8], index: Int, chunkSHA256: String, of sha256: String, size: Int)
        throws -> BlobInfo
    {
        let (blob, mismatch) = try store.write { writer in
            try BlobStore.receive(bytes, index: index, chunkSHA256: chunkSHA256, of: sha256, size: size, db: writer.db)
        }
        if let mismatch { throw mismatch }
        return blob
    }

    /// The blobs to send the parent: whole here, attached to records of this node's subtree,
    /// and not yet said by the parent to be whole there.
    public func blobsToSendUp() throws -> [BlobInfo] {
        try store.read { db in
            let shas = try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT b.sha256 FROM blob b
                    JOIN attachment a ON a.sha256 = b.sha256 AND a.deleted = 0
                    JOIN org_unit o ON o.code = a.org
                    WHERE b.complete = 1 AND b.sent_up = 0 AND \(OrgUnit.subtreeFilter("o"))
                    ORDER BY b.id
                    """,
                arguments: OrgUnit.subtreeArguments(org.path))
            return try shas.compactMap { try BlobStore.info($0, db: db) }
        }
    }

    /// Files attached here whose bytes are not all here yet: the next sync asks the parent
    /// for them (a child's not yet sent stay missing until the child sends them).
    public func blobsWanted() throws -> [(sha256: String, size: Int)] {
        try store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.sha256, max(a.size) FROM \(Attachment.join)
                    WHERE a.deleted = 0 AND a.sha256 IS NOT NULL AND coalesce(b.complete, 0) = 0
                    GROUP BY a.sha256 ORDER BY min(a.created)
                    """
            ).map { ($0[0], $0[1]) }
        }
    }

    /// Records that the parent has the whole blob `sha256`.
    public func markSentUp(_ sha256: String) throws {
        try store.write { writer in try BlobStore.markSentUp(sha256, db: writer.db) }
    }

    /// Checks that `child` may send the bytes of the blob `sha256` of `size` bytes: a live
    /// attachment of its subtree refers to them with that size, and they fit the limits.
    ///
    /// - Throws: `DomainError` not found (no such attachment in its subtree), bad input (another
    ///   size), or too large (naming the limit).
    public func checkUpload(sha256: String, size: Int, from child: OrgUnit, limits: FileLimits) throws {
        try store.read { db in
            let sizes = try Int.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT a.size FROM attachment a JOIN org_unit o ON o.code = a.org
                    WHERE a.sha256 = ? AND a.deleted = 0 AND \(OrgUnit.subtreeFilter("o"))
                    """,
                arguments: [sha256] + OrgUnit.subtreeArguments(child.path))
            try Self.checkUpload(sha256: sha256, size: size, attachedSizes: sizes, limits: limits)
            let held =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT coalesce(sum(size), 0) FROM blob WHERE sha256 != ? AND sha256 IN (
                            SELECT a.sha256 FROM attachment a JOIN org_unit o ON o.code = a.org
                            WHERE a.deleted = 0 AND \(OrgUnit.subtreeFilter("o")))
                        """,
                    arguments: [sha256] + OrgUnit.subtreeArguments(child.path)) ?? 0
            try Self.checkUpload(size: size, held: held, from: child, limits: limits)
        }
    }

    /// Checks a file a child sends against the sizes its live attachments in the child's
    /// subtree give (none: not found) and the hub's limit per file.
    public static func checkUpload(sha256: String, size: Int, attachedSizes sizes: [Int], limits: FileLimits) throws {
        guard !sizes.isEmpty else { throw DomainError.notFound(kind: "attachment with file", id: sha256) }
        guard sizes.contains(size) else {
            throw DomainError.invalidValue(
                field: "size", value: String(size), allowed: "\(sizes[0]), the size its attachment gives")
        }
        guard size <= limits.maxFileBytes else {
            throw DomainError.tooLarge(
                "the file \(sha256) is \(mb(size)), over this hub's limit of \(mb(limits.maxFileBytes)) per file (tiersync serve --max-file-mb)",
                chinese: "附件 \(mb(size))，超过上级节点每个文件 \(mb(limits.maxFileBytes)) 的限额，未能上传。请压缩后重新附上，或请上级调高限额。")
        }
    }

    static func mb(_ bytes: Int) -> String { "\(bytes >> 20) MB" }

    /// Checks that a file of `size` bytes more fits the hub's limit per child, which holds
    /// `held` bytes of files here already.
    public static func checkUpload(size: Int, held: Int, from child: OrgUnit, limits: FileLimits) throws {
        guard held + size <= limits.maxChildBytes else {
            throw DomainError.tooLarge(
                "\(child.code) \(child.name) holds \(mb(held)) of files here, and \(mb(size)) more is over this hub's limit of \(mb(limits.maxChildBytes)) per child (tiersync serve --max-child-mb)",
                chinese:
                    "本单位在上级节点的附件已有 \(mb(held))，再传 \(mb(size)) 将超过每个下级 \(mb(limits.maxChildBytes)) 的限额。请删除不再需要的附件，或请上级调高限额。"
            )
        }
    }

    /// Checks that `child` may fetch the bytes of the blob `sha256`: a live attachment in its
    /// scope (its subtree, or a record shared down to it) refers to them.
    ///
    /// - Throws: `DomainError` not found otherwise, the same as for bytes that are nowhere.
    public func checkDownload(sha256: String, for child: OrgUnit) throws {
        // Asked once per chunk: the file's live attachments with their owners' paths (one
        // indexed query), and for one shared down from above, its sharing (two more).
        try store.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, o.path FROM attachment a JOIN org_unit o ON o.code = a.org
                    WHERE a.sha256 = ? AND a.deleted = 0
                    """,
                arguments: [sha256])
            try rules.checkDownload(
                sha256: sha256, attachments: rows.map { ($0[0], $0[1]) }, for: child, SQLiteShareLookup(db: db))
        }
    }
}
