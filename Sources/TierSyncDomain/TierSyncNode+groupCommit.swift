import GRDB
import TierSyncCore
import TierSyncStore

/// A hub's group commit on a SQLite node: the credentials of a group of pushes read together
/// (`identify`), then the group applied in one transaction (`acceptAll`).
extension TierSyncNode {
    /// Applies several pushes in one transaction (group commit: one commit, one sync of the
    /// disk, for all of them), so that a refused push is rolled back alone. A push is applied
    /// only if the whole transaction commits.
    ///
    /// Every push is checked whole before anything of it is written (scope, senders), so a
    /// push refused there costs the others nothing, and the rest are written without
    /// savepoints. Only when a push fails while it is being written is the transaction rolled
    /// back and the group applied again, each push in a savepoint of its own. (A savepoint
    /// keeps a copy of each page a push first changes, to roll it back alone: a tenth of the
    /// writer's time in `tiersync-bench group-apply`.) `PostgresHub.acceptAll` does the same.
    ///
    /// ```swift
    /// let results = try county.acceptAll(pushes)   // one report or refusal per push, in order
    /// ```
    ///
    /// - Returns: each push's report or refusal, in order.
    /// - Throws: what failed the transaction itself (a full disk, a locked file): then none
    ///   was applied.
    public func acceptAll(_ pushes: [Push]) throws -> [Result<ApplyReport, any Error>] {
        do {
            return try store.write { writer in try accept(pushes, writer: &writer, savepoints: false) }
        } catch let refused as RefusedWithoutSavepoint {
            // A lone push is applied again only to record its child's last contact.
            if pushes.count == 1, pushes[0].contact == nil { return [.failure(refused.error)] }
        }
        return try store.write { writer in try accept(pushes, writer: &writer, savepoints: true) }
    }

    /// A push that failed while written in a group without savepoints: the attempt is rolled back.
    struct RefusedWithoutSavepoint: Error { let error: any Error }

    /// The pushes in `writer`'s transaction, with one read of the directory for all of them
    /// (each push adds its senders), and the last contact of the children they name.
    private func accept(_ pushes: [Push], writer: inout ChangeWriter, savepoints: Bool) throws -> [Result<
        ApplyReport, any Error
    >] {
        var directory = try writer.directory()
        let revocations = try Self.revokedChildren(among: pushes.map(\.peerNode), writer.db)
        var results: [Result<ApplyReport, any Error>] = []
        for push in pushes {
            let senders: [NodeID: String]
            do {
                if let time = revocations[push.peerNode] { throw DomainError.revoked(node: push.peerNode, at: time) }
                senders = try check(push, directory: directory)
            } catch {
                results.append(.failure(error))
                continue
            }
            do {
                var report = ApplyReport()
                if savepoints {
                    try writer.db.inSavepoint {
                        report = try write(push, senders: senders, writer: &writer, directory: directory)
                        return .commit
                    }
                } else {
                    report = try write(push, senders: senders, writer: &writer, directory: directory)
                }
                directory.remember(senders)
                results.append(.success(report))
            } catch let error as DatabaseError where error.resultCode != .SQLITE_CONSTRAINT {
                throw error  // the transaction itself (full, locked, I/O): every push of it fails
            } catch {
                guard savepoints else { throw RefusedWithoutSavepoint(error: error) }
                results.append(.failure(error))
            }
        }
        try Self.recordContact(
            of: pushes.filter { revocations[$0.peerNode] == nil }.compactMap(\.contact),
            at: ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds()),
            writer.db)
        return results
    }

    /// Which of `nodes` are children revoked, with when: read in the group's transaction, for
    /// a revocation may have committed since the group's credentials were read (`identify`).
    static func revokedChildren(among nodes: [String], _ db: Database) throws -> [String: String] {
        let distinct = Array(Set(nodes))
        guard !distinct.isEmpty else { return [:] }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT id, revoked_at FROM child_node
                WHERE revoked_at IS NOT NULL AND id IN (\(databaseQuestionMarks(count: distinct.count)))
                """,
            arguments: StatementArguments(distinct)
        ).reduce(into: [:]) { revoked, row in revoked[row[0] as String] = row[1] as String }
    }

    /// The stored credential hash of every enrolled, not revoked child, by node id.
    public func enrolledCredentials() throws -> [String: String] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, credential_hash FROM child_node WHERE revoked_at IS NULL")
                .reduce(into: [:]) { hashes, row in hashes[row[0] as String] = row[1] as String }
        }
    }

    /// The children presenting `credentials`, each with its relation to this node, in one
    /// read (`SyncHub.identify`).
    public func identify(_ credentials: [String]) throws -> [Result<IdentifiedChild, any Error>] {
        try store.read { db in
            var peers: [String: Peer] = [:]
            return credentials.map { credential in
                Result {
                    let child = try Self.authenticate(credential) { id in try Self.child(id, db) }
                    if let peer = peers[child.org] { return IdentifiedChild(child: child, peer: peer) }
                    let peer = try relation(to: child.org, db: db)
                    peers[child.org] = peer
                    return IdentifiedChild(child: child, peer: peer)
                }
            }
        }
    }
}
