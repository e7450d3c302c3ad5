import Foundation
import GRDB

/// A node's `PeerDirectory`, kept between transactions while the directory token (migration
/// 0015) stays the same: a hub reads the directory for every push and pull, and a province's
/// holds thousands of nodes and org units, while it changes only when a child enrolls.
///
/// ```swift
/// let directory = try store.directories.directory(db)   // one row read when kept
/// ```
///
/// The token is read in the caller's transaction, so a directory is never used with the
/// rows of another: a commit by another process draws a new token too.
public final class DirectoryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: (token: Int64, directory: PeerDirectory)?
    /// How many times the directory was read whole (tests check that it is kept).
    private(set) var loads = 0

    public init() {}

    /// The directory as `db` sees it: the kept copy when its token is current, else read
    /// whole and kept.
    public func directory(_ db: Database) throws -> PeerDirectory {
        let token = try Int64.fetchOne(db.cachedStatement(sql: "SELECT token FROM directory_token")) ?? 0
        if let kept = lock.withLock({ kept }), kept.token == token { return kept.directory }
        let directory = try PeerDirectory(db: db)
        lock.withLock {
            kept = (token, directory)
            loads += 1
        }
        return directory
    }
}
