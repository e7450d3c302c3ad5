import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// The bytes of attachments on the USB path of a hub on PostgreSQL: the folder beside a
/// bundle (`BUNDLE.files/`), one file per blob named by its SHA-256, written a chunk at a time
/// from the database and read back a chunk at a time into it, as a SQLite node does
/// (`TierSyncNode+bundleFiles.swift`).
extension PostgresHub {
    /// The files `peer` said it lacks that it may have: toward a child, those it may download;
    /// toward the parent, those of this hub's subtree.
    func filesWanted(by peer: TierSyncNode.Peer) throws -> Set<String> {
        let wanted = try store.read { session in
            try session.query("SELECT sha256 FROM peer_wanted_file WHERE org = $1", [.text(peer.unit.code)])
                .map { try $0.decode(String.self) }
        }
        let reader = if case .child(let child) = peer { child } else { hubOrg }
        return Set(wanted.filter { (try? checkDownload(sha256: $0, for: reader)) != nil })
    }

    /// Writes the blobs `shas` that are whole here into the folder of the bundle at `path`.
    ///
    /// - Returns: how many files and bytes were written.
    func writeBundleFiles(_ shas: Set<String>, bundle path: String) throws -> (files: Int, bytes: Int) {
        try TierSyncNode.writeBundleFiles(shas, bundle: path) { sha, write in
            // Each file from one snapshot: a compaction meanwhile cannot take its chunks away.
            try store.read { session in
                guard let blob = try Self.blob(sha, session), blob.complete else { return nil }
                for index in 0..<blob.chunkCount {
                    guard let chunk = try Self.chunk(sha, index: index, session) else {
                        throw PostgresStoreError.corrupt("file \(sha) lacks its chunk \(index)")
                    }
                    try write(chunk)
                }
                return blob.size
            }
        }
    }

    /// Stores the files of the folder of the bundle at `path` that a live attachment here
    /// refers to (from a child: one of its subtree), each in its own transaction, hashed as
    /// read: a file whose bytes do not match its name is reported and not stored.
    func readBundleFiles(bundle path: String, from peer: TierSyncNode.Peer) throws -> TierSyncNode.BundleFiles {
        let folder = TierSyncNode.filesFolder(ofBundle: path)
        var result = TierSyncNode.BundleFiles()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return result }
        for name in names.sorted() where BlobHasher.isDigest(name) {
            guard try store.read({ try TierSyncNode.isWantedFromBundle(name, from: peer, in: $0) }) else {
                result.skipped += 1
                continue
            }
            guard let file = FileHandle(forReadingAtPath: folder + "/" + name) else { continue }
            defer { try? file.close() }
            do {
                try store.withSession { session in
                    try session.transaction {
                        // Writer lock, then the hash's, as an attachment made here takes them.
                        let blob = try storeBlob(session) {
                            try session.query(
                                "SELECT pg_advisory_xact_lock($1)", [.integer(PostgresStore.writerLock)])
                        } next: {
                            try file.read(upToCount: BlobStore.chunkSize).map(Array.init)
                        }
                        guard blob.sha256 == name else {
                            throw StoreError.blobMismatch(sha256: name, actual: blob.sha256)
                        }
                    }
                }
                result.stored += 1
            } catch let error as StoreError {
                result.damaged.append("\(error)")
            }
        }
        return result
    }
}
