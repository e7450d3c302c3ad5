import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// A PostgreSQL hub's link to its parent: joining, the cursors and checkpoints of the link,
/// and each sync's outcome, as a SQLite node keeps them (`TierSyncNode+parent.swift`,
/// `TierSyncNode+checkpoints.swift`). What moves is in `PostgresHub+upward.swift`.
extension PostgresHub {
    public var childNode: NodeID { hubNode }
    public var childOrg: OrgUnit { hubOrg }

    public func parentLink() throws -> ParentLink? {
        try store.withSession { session in try Self.parentLink(session) }
    }

    static func parentLink(_ session: PostgresSession) throws -> ParentLink? {
        try session.query(
            """
            SELECT url, org, node, credential, joined_at, last_sync, last_error, clock_offset_ms
            FROM parent_link WHERE one_row = 1
            """
        ).first.map { row in
            let (url, org, node, credential, joinedAt, lastSync, lastError, offset) = try row.decode(
                (String, String, String, String, String, String?, String?, Int64?).self)
            var link = ParentLink(url: url, org: org, node: node, credential: credential, joinedAt: joinedAt)
            (link.lastSync, link.lastError, link.clockOffsetMs) = (lastSync, lastError, offset)
            return link
        }
    }

    public func link(to url: String, org parentOrg: String, node parentNode: String, credential: String) throws {
        try store.write { session in
            guard case .parent = try relation(to: parentOrg, session) else {
                throw DomainError.invalidValue(
                    field: "parent", value: parentOrg, allowed: "this hub's parent org (\(hubOrg.parent ?? "none"))")
            }
            guard let parentID = NodeID(parentNode) else {
                throw DomainError.invalidValue(field: "parent node", value: parentNode, allowed: "a node id")
            }
            try PostgresMergeStorage(session: session).registerNode(parentID, org: parentOrg)
            try session.query(
                """
                INSERT INTO parent_link (url, org, node, credential, joined_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (one_row) DO UPDATE SET url = excluded.url, org = excluded.org, node = excluded.node,
                    credential = excluded.credential, joined_at = excluded.joined_at, last_sync = NULL,
                    last_error = NULL, clock_offset_ms = NULL
                """,
                [
                    .text(url), .text(parentOrg), .text(parentNode), .text(credential),
                    .text(ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())),
                ])
        }
    }

    public func cursor(for org: String) throws -> PeerCursor {
        try store.withSession { session in try Self.cursor(for: org, session) }
    }

    static func cursor(for org: String, _ session: PostgresSession) throws -> PeerCursor {
        guard
            let row = try session.query(
                """
                SELECT node, received_seq, acked_seq, last_contact, snapshot_position, snapshot_after, epoch
                FROM peer_cursor WHERE org = $1
                """, [.text(org)]
            ).first
        else { return PeerCursor(org: org) }
        let (node, received, acked, contact, position, after, epoch) = try row.decode(
            (String?, Int64, Int64, String?, Int64?, String?, String?).self)
        var cursor = PeerCursor(org: org, node: node, receivedSeq: received, ackedSeq: acked, lastContact: contact)
        (cursor.snapshotPosition, cursor.snapshotAfter, cursor.epoch) = (position, after, epoch)
        return cursor
    }

    /// Writes every column of `cursor`, in the session's transaction.
    static func save(_ cursor: PeerCursor, _ session: PostgresSession) throws {
        try session.query(
            """
            INSERT INTO peer_cursor (org, node, received_seq, acked_seq, last_contact, snapshot_position,
                snapshot_after, epoch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (org) DO UPDATE SET node = excluded.node, received_seq = excluded.received_seq,
                acked_seq = excluded.acked_seq, last_contact = excluded.last_contact,
                snapshot_position = excluded.snapshot_position, snapshot_after = excluded.snapshot_after,
                epoch = excluded.epoch
            """,
            [
                .text(cursor.org), cursor.node.map(FieldValue.text) ?? .null, .integer(cursor.receivedSeq),
                .integer(cursor.ackedSeq), cursor.lastContact.map(FieldValue.text) ?? .null,
                cursor.snapshotPosition.map(FieldValue.integer) ?? .null,
                cursor.snapshotAfter.map(FieldValue.text) ?? .null, cursor.epoch.map(FieldValue.text) ?? .null,
            ])
    }

    public func lastSequence() throws -> Int64 {
        try store.withSession { session in try store.lastSequence(session) }
    }

    public func acknowledge(org peerOrg: String, node peerNode: String, upTo: Int64) throws {
        try store.write { session in
            _ = try relation(to: peerOrg, session)  // its parent or a child, as on SQLite
            try recordContacts([peerOrg: Contact(node: peerNode, acknowledged: upTo)], session: session)
        }
    }

    public func recordClockOffset(hubTime: Int64, sentAt: Int64, receivedAt: Int64) throws {
        _ = try store.withSession { session in
            try session.query(
                "UPDATE parent_link SET clock_offset_ms = $1",
                [.integer(ClockOffset(sentAt: sentAt, receivedAt: receivedAt, hubTime: hubTime).milliseconds)])
        }
    }

    /// Records the end of a sync with the parent, as a SQLite node does: its time or its
    /// error in the link, and the attempt, of which the last 200 are kept.
    public func recordSync(error: String?, counts: TierSyncNode.SyncCounts) throws {
        try store.write { session in
            guard try Self.parentLink(session) != nil else { return }
            let now = ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())
            if let error {
                try session.query("UPDATE parent_link SET last_error = $1", [.text(error)])
            } else {
                try session.query("UPDATE parent_link SET last_sync = $1, last_error = NULL", [.text(now)])
            }
            let refusals = counts.refused.isEmpty ? nil : counts.refused.prefix(50).joined(separator: "\n")
            let id =
                try session.query(
                    """
                    INSERT INTO sync_attempt (at, ok, pushed, pulled, copied, conflicts, refused, error, refusals)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                    """,
                    [
                        .text(now), .integer(error == nil ? 1 : 0), .integer(Int64(counts.pushed)),
                        .integer(Int64(counts.pulled)), .integer(Int64(counts.copied)),
                        .integer(Int64(counts.conflicts)),
                        .integer(Int64(counts.refused.count)), error.map(FieldValue.text) ?? .null,
                        refusals.map(FieldValue.text) ?? .null,
                    ]
                ).first?.decode(Int64.self) ?? 0
            try session.query("DELETE FROM sync_attempt WHERE id <= $1", [.integer(id - 200)])
        }
    }

    /// The latest sync attempts with the parent, newest first.
    public func syncAttempts(limit: Int = 20) throws -> [SyncAttempt] {
        try store.withSession { session in
            try session.query(
                """
                SELECT id, at, ok, pushed, pulled, copied, conflicts, refused, error, refusals
                FROM sync_attempt ORDER BY id DESC LIMIT $1
                """, [.integer(Int64(limit))]
            ).map { row in
                let (id, at, ok, pushed, pulled, copied, conflicts, refused, error, refusals) = try row.decode(
                    (Int64, String, Int64, Int64, Int64, Int64, Int64, Int64, String?, String?).self)
                var attempt = SyncAttempt(at: at, ok: ok != 0)
                attempt.id = id
                (attempt.pushed, attempt.pulled, attempt.copied) = (Int(pushed), Int(pulled), Int(copied))
                (attempt.conflicts, attempt.refused) = (Int(conflicts), Int(refused))
                (attempt.error, attempt.refusals) = (error, refusals)
                return attempt
            }
        }
    }
}
