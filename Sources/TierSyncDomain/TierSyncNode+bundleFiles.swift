import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// The bytes of attachments on the USB path: a folder beside the bundle (`BUNDLE.files/`),
/// one file per blob named by its SHA-256, so a bundle stays one stream of changes and a file
/// is copied, never held whole in memory.
extension TierSyncNode {
    /// The folder of files that goes with the bundle at `path`.
    public static func filesFolder(ofBundle path: String) -> String { path + ".files" }

    /// What a bundle's folder of files held, once imported.
    public struct BundleFiles: Codable, Sendable, Equatable {
        /// Files stored here (whole, checked against their names).
        public var stored = 0
        /// Files skipped: already here, or attached to nothing this node holds from the sender.
        public var skipped = 0
        /// Files whose bytes do not hash to their names, with what went wrong: not stored.
        public var damaged: [String] = []

        public init() {}
    }

    /// How many files a bundle's header asks for again, at most.
    public static let wantedFilesLimit = 1_000

    /// Records the files `peer` said it lacks (replacing what it said before), on either store.
    public static func recordWantedFiles(_ shas: [String], of peer: Peer, in db: any SQLWriter) throws {
        try db.execute("DELETE FROM peer_wanted_file WHERE org = ?", [.text(peer.unit.code)])
        for sha in shas.prefix(wantedFilesLimit) where BlobHasher.isDigest(sha) {
            try db.execute(
                "INSERT INTO peer_wanted_file (org, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [.text(peer.unit.code), .text(sha)])
        }
    }

    /// The files `peer` said it lacks that it may have: toward a child, those in its scope;
    /// toward the parent, those of this node's subtree.
    func filesWanted(by peer: Peer) throws -> Set<String> {
        let wanted = try store.read { db in
            try String.fetchAll(
                db, sql: "SELECT sha256 FROM peer_wanted_file WHERE org = ?", arguments: [peer.unit.code])
        }
        return try Set(
            wanted.filter { sha in
                switch peer {
                case .child(let child):
                    return (try? checkDownload(sha256: sha, for: child)) != nil
                case .parent:
                    return (try? checkDownload(sha256: sha, for: org)) != nil
                }
            })
    }

    /// Writes the blobs `shas` that are whole here into the folder of the bundle at `path`.
    ///
    /// - Returns: how many files and bytes were written.
    func writeBundleFiles(_ shas: Set<String>, bundle path: String) throws -> (files: Int, bytes: Int) {
        try Self.writeBundleFiles(shas, bundle: path) { sha, write in
            try store.read { db in
                guard let blob = try BlobStore.info(sha, db: db), blob.complete else { return nil }
                try BlobStore.forEachChunk(sha, db: db, write)
                return blob.size
            }
        }
    }

    /// Writes the files `shas` into the folder of the bundle at `path`, on either store:
    /// `copy(sha, write)` reads a file whole (from one snapshot) and gives it to `write` a
    /// chunk at a time, returning its size, or returns nil, writing nothing, when the file is
    /// not whole here.
    ///
    /// - Returns: how many files and bytes were written.
    public static func writeBundleFiles(
        _ shas: Set<String>, bundle path: String,
        copy: (_ sha: String, _ write: ([UInt8]) throws -> Void) throws -> Int?
    ) throws -> (files: Int, bytes: Int) {
        let folder = filesFolder(ofBundle: path)
        try? FileManager.default.removeItem(atPath: folder)
        guard !shas.isEmpty else { return (0, 0) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written = (files: 0, bytes: 0)
        for sha in shas.sorted() {
            var out: FileHandle?
            // The file is made with its first chunk (or once known whole and empty).
            func open() throws -> FileHandle {
                if let out { return out }
                FileManager.default.createFile(atPath: folder + "/" + sha, contents: nil)
                guard let opened = FileHandle(forWritingAtPath: folder + "/" + sha) else {
                    throw DomainError.invalidValue(field: "out", value: folder, allowed: "a folder that can be written")
                }
                out = opened
                return opened
            }
            defer { try? out?.close() }
            guard let size = try copy(sha, { try open().write(contentsOf: $0) }) else { continue }
            _ = try open()
            written.files += 1
            written.bytes += size
        }
        return written
    }

    /// Stores the files of the folder of the bundle at `path` that an attachment here refers
    /// to (from a child: one of its subtree), each in its own transaction, hashed as read:
    /// a file whose bytes do not match its name is reported and not stored.
    func readBundleFiles(bundle path: String, from peer: Peer) throws -> BundleFiles {
        let folder = Self.filesFolder(ofBundle: path)
        var result = BundleFiles()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return result }
        for name in names.sorted() where BlobHasher.isDigest(name) {
            guard try store.read({ db in try Self.isWantedFromBundle(name, from: peer, in: db) }) else {
                result.skipped += 1
                continue
            }
            guard let file = FileHandle(forReadingAtPath: folder + "/" + name) else { continue }
            defer { try? file.close() }
            do {
                try store.write { writer in
                    let blob = try BlobStore.store(db: writer.db) {
                        try file.read(upToCount: BlobStore.chunkSize).map(Array.init)
                    }
                    guard blob.sha256 == name else { throw StoreError.blobMismatch(sha256: name, actual: blob.sha256) }
                }
                result.stored += 1
            } catch let error as StoreError {
                result.damaged.append("\(error)")
            }
        }
        return result
    }

    /// True when the blob `sha256` is not whole here and a live attachment here refers to it
    /// (from a child, one of the child's subtree: a child sends only its own files), on either store.
    public static func isWantedFromBundle(_ sha256: String, from peer: Peer, in reader: any SQLReader) throws -> Bool {
        guard try reader.rows("SELECT 1 FROM blob WHERE sha256 = ? AND complete = 1", [.text(sha256)]).isEmpty else {
            return false
        }
        var sql =
            "SELECT count(*) FROM attachment a JOIN org_unit o ON o.code = a.org WHERE a.sha256 = ? AND a.deleted = 0"
        var arguments: [FieldValue] = [.text(sha256)]
        if case .child(let child) = peer {
            sql += " AND " + OrgUnit.subtreeFilter("o")
            arguments += OrgUnit.subtreeValues(child.path)
        }
        let count: Int = try reader.rows(sql, arguments).first?[0] ?? 0
        return count > 0
    }
}
