import PostgresNIO
import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Enrollment and credentials on a PostgreSQL hub: the checks of `TierSyncNode`, over the
/// same tables.
extension PostgresHub {
    /// Issues a one-time enrollment code for the child org `childOrg`, valid for `hours`.
    public func issueEnrollment(for childOrg: String, hours: Double = 72) throws -> TierSyncNode.IssuedCode {
        let (issued, row) = TierSyncNode.newEnrollment(
            for: childOrg, hours: hours, now: wallClock.nowMilliseconds())
        try store.write { session in
            try TierSyncNode.requireChild(try relation(to: childOrg, session), of: hubOrg)
            try session.query(
                "INSERT INTO enrollment (code_hash, org, issued_at, expires_at) VALUES ($1, $2, $3, $4)",
                [.text(row.codeHash), .text(row.org), .text(row.issuedAt), .integer(row.expiresAt)])
        }
        return issued
    }

    public func acceptEnrollment(code: String, node nodeID: String) throws -> TierSyncNode.Enrolled {
        guard let node = NodeID(nodeID) else {
            throw DomainError.invalidValue(field: "node", value: nodeID, allowed: "16 lowercase hex digits")
        }
        return try store.write { session in
            let row = try session.query(
                "SELECT code_hash, org, issued_at, expires_at, used_at, used_by FROM enrollment WHERE code_hash = $1",
                [.text(TierSyncNode.hash(code: code))]
            ).first.map { row in
                let (hash, org, issued, expires, usedAt, usedBy) = try row.decode(
                    (String, String, String, Int64, String?, String?).self)
                var enrollment = EnrollmentCode(codeHash: hash, org: org, issuedAt: issued, expiresAt: expires)
                (enrollment.usedAt, enrollment.usedBy) = (usedAt, usedBy)
                return enrollment
            }
            let enrolled = try !session.query("SELECT 1 FROM child_node WHERE id = $1", [.text(node.rawValue)]).isEmpty
            let (used, child, credential) = try TierSyncNode.enroll(
                node, code: code, with: row, alreadyEnrolled: enrolled, now: wallClock.nowMilliseconds())
            for step in TierSyncNode.replaceOrgNode(org: child.org, at: child.enrolledAt) {
                try session.query(step.sql, step.arguments.map(FieldValue.text))
            }
            try session.query(
                "INSERT INTO child_node (id, org, credential_hash, enrolled_at) VALUES ($1, $2, $3, $4)",
                [.text(child.id), .text(child.org), .text(child.credentialHash), .text(child.enrolledAt)])
            try PostgresMergeStorage(session: session).registerNode(node, org: child.org)
            try session.query(
                "UPDATE enrollment SET used_at = $1, used_by = $2 WHERE code_hash = $3",
                [used.usedAt.map(FieldValue.text) ?? .null, .text(node.rawValue), .text(used.codeHash)])
            return TierSyncNode.Enrolled(credential: credential, org: child.org)
        }
    }

    public func authenticate(credential: String) throws -> ChildNode {
        var child = try TierSyncNode.authenticate(credential) { id in
            try store.withSession { session in
                try session.query("SELECT \(Self.childColumns) FROM child_node WHERE id = $1", [.text(id)])
                    .first.map(Self.childNode)
            }
        }
        // The last contact is written only when stale, outside the writer lock: it is no change.
        let now = wallClock.nowMilliseconds()
        if TierSyncNode.isStale(child.lastContact, now: now) {
            child.lastContact = ISOTimestamp.format(milliseconds: now)
            try store.withSession { session in try recordContact(of: [child.id], at: now, session) }
        }
        return child
    }

    /// Which of `nodes` are children revoked, with when, read in `session`'s transaction.
    func revokedChildren(among nodes: [String], _ session: PostgresSession) throws -> [String: String] {
        let distinct = Array(Set(nodes))
        guard !distinct.isEmpty else { return [:] }
        let placeholders = distinct.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        return try session.query(
            "SELECT id, revoked_at FROM child_node WHERE revoked_at IS NOT NULL AND id IN (\(placeholders))",
            distinct.map { .text($0) }
        ).reduce(into: [:]) { revoked, row in
            let (id, time) = try row.decode((String, String).self)
            revoked[id] = time
        }
    }

    /// The stored credential hash of every enrolled, not revoked child, by node id.
    public func enrolledCredentials() throws -> [String: String] {
        try store.withSession { session in
            try session.query("SELECT id, credential_hash FROM child_node WHERE revoked_at IS NULL")
                .reduce(into: [:]) { hashes, row in
                    let (id, hash) = try row.decode((String, String).self)
                    hashes[id] = hash
                }
        }
    }

    /// The children presenting `credentials`, with their org units, in two queries
    /// (`SyncHub.identify`).
    public func identify(_ credentials: [String]) throws -> [Result<IdentifiedChild, any Error>] {
        let ids = credentials.compactMap { Credential(parsing: $0)?.id }
        return try store.withSession { session in
            let children = try session.query(
                "SELECT \(Self.childColumns) FROM child_node WHERE id IN (SELECT jsonb_array_elements_text(CAST($1 AS jsonb)))",
                [SQLDialect.jsonList(ids)]
            ).reduce(into: [String: ChildNode]()) { found, row in
                let child = try Self.childNode(row)
                found[child.id] = child
            }
            let units = try Self.orgUnits(Set(children.values.map(\.org)), session)
            return credentials.map { credential in
                Result {
                    let child = try TierSyncNode.authenticate(credential) { children[$0] }
                    guard let unit = units[child.org] else { throw DomainError.unknownOrg(child.org) }
                    return IdentifiedChild(child: child, peer: try relation(of: unit, session))
                }
            }
        }
    }

    /// Records that the children `ids` were in contact at `now` (milliseconds).
    func recordContact(of ids: [String], at now: Int64, _ session: PostgresSession) throws {
        guard !ids.isEmpty else { return }
        try session.query(
            "UPDATE child_node SET last_contact = $1 WHERE id IN (SELECT jsonb_array_elements_text(CAST($2 AS jsonb)))",
            [.text(ISOTimestamp.format(milliseconds: now)), SQLDialect.jsonList(ids)])
    }

    static let childColumns = "id, org, credential_hash, enrolled_at, revoked_at, last_contact"

    /// A row of `childColumns`.
    static func childNode(_ row: PostgresRow) throws -> ChildNode {
        let (id, org, hash, enrolled, revoked, contact) = try row.decode(
            (String, String, String, String, String?, String?).self)
        var child = ChildNode(id: id, org: org, credentialHash: hash, enrolledAt: enrolled)
        (child.revokedAt, child.lastContact) = (revoked, contact)
        return child
    }
}
