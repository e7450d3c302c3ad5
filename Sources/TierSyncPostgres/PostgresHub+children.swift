import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// The children enrolled with a PostgreSQL hub as its operator sees them (`tiersync nodes`,
/// `tiersync revoke`, `/metrics`), counted as a SQLite node counts them (`TierSyncNode+health.swift`).
extension PostgresHub {
    /// Every enrolled child, with its cursors, the changes waiting for it and its subtree's
    /// open conflicts; one read.
    public func childHealth() throws -> [TierSyncNode.ChildHealth] {
        try store.read { session in
            try session.query(
                """
                SELECT c.id, c.org, u.name, u.path, c.enrolled_at, c.last_contact, c.revoked_at,
                    coalesce(p.received_seq, 0), coalesce(p.acked_seq, 0)
                FROM child_node c JOIN org_unit u ON u.code = c.org LEFT JOIN peer_cursor p ON p.org = c.org
                ORDER BY c.org, c.id
                """
            ).map { row in
                let (id, org, name, path, enrolled, contact, revoked, received, pulled) = try row.decode(
                    (String, String, String, String, String, String?, String?, Int64, Int64).self)
                let (units, scope) = PostgresStore.subtree(of: path, from: 2)
                let subtree = "(SELECT code FROM org_unit WHERE \(units))"
                // Entries of the child's subtree after what it pulled, made outside it.
                let waiting =
                    try session.query(
                        """
                        SELECT count(*) FROM change_log WHERE seq > $1 AND org IN \(subtree)
                        AND node NOT IN (SELECT id FROM peer_node WHERE org IN \(subtree))
                        """, [.integer(pulled)] + scope
                    ).first?.decode(Int64.self) ?? 0
                let (ownUnits, ownScope) = PostgresStore.subtree(of: path, from: 1)
                let conflicts =
                    try session.query(
                        """
                        SELECT count(*) FROM conflict WHERE settled_hlc IS NULL
                        AND org IN (SELECT code FROM org_unit WHERE \(ownUnits))
                        """, ownScope
                    ).first?.decode(Int64.self) ?? 0
                return TierSyncNode.ChildHealth(
                    node: id, org: org, orgName: name, enrolledAt: enrolled, lastContact: contact, revokedAt: revoked,
                    receivedFromChild: received, pulledByChild: pulled, waitingForChild: Int(waiting),
                    openConflicts: Int(conflicts))
            }
        }
    }

    /// Revokes a child's credential: its requests get 401 from now on, from every process.
    public func revoke(node: String) throws {
        let revoked = try store.write { session in
            try session.query(
                "UPDATE child_node SET revoked_at = $1 WHERE id = $2 RETURNING id",
                [.text(ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())), .text(node)])
        }
        if revoked.isEmpty { throw DomainError.notFound(kind: "enrolled node", id: node) }
    }

    /// What `/metrics` reads of the store: the children's last contact, open conflicts, the
    /// log's entries and the database's size.
    public func gauges() throws -> HubGauges {
        let open = try conflicts().count
        return try store.read { session in
            HubGauges(
                children: try session.query(
                    """
                    SELECT c.id, c.org, coalesce(p.last_contact, c.last_contact) FROM child_node c
                    LEFT JOIN peer_cursor p ON p.org = c.org WHERE c.revoked_at IS NULL
                    """
                ).map { row in
                    let (node, org, contact) = try row.decode((String, String, String?).self)
                    return HubGauges.Child(node: node, org: org, lastContact: contact)
                },
                openConflicts: open,
                logEntries: Int(try session.query("SELECT count(*) FROM change_log").first?.decode(Int64.self) ?? 0),
                databaseBytes: Int(
                    try session.query("SELECT pg_database_size(current_database())").first?.decode(Int64.self) ?? 0))
        }
    }
}
