import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Enrollment and trust: a parent issues one-time codes for its child orgs; a child exchanges
/// one for a node credential, of which the parent keeps only a hash.
extension TierSyncNode {
    /// An issued enrollment code, shown once.
    public struct IssuedCode: Codable, Sendable {
        public let code: String
        public let org: String
        public let expiresAt: String
    }

    /// What a parent answers to a valid enrollment.
    public struct Enrolled: Sendable {
        public let credential: String
        public let org: String

        public init(credential: String, org: String) { (self.credential, self.org) = (credential, org) }
    }

    /// Unambiguous letters and digits (no 0/O, 1/I/L), read aloud over a phone line.
    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// Issues a one-time enrollment code for the child org `childOrg`, valid for `hours`.
    public func issueEnrollment(for childOrg: String, hours: Double = 72) throws -> IssuedCode {
        let (issued, row) = Self.newEnrollment(for: childOrg, hours: hours, now: store.wallClock.nowMilliseconds())
        try store.write { writer in
            try Self.requireChild(try relation(to: childOrg, db: writer.db), of: org)
            try row.insert(writer.db)
        }
        return issued
    }

    /// A new code for `childOrg`, valid for `hours` from `now`: as shown once, and the row
    /// that keeps its hash.
    public static func newEnrollment(for childOrg: String, hours: Double, now: Int64) -> (
        IssuedCode, EnrollmentCode
    ) {
        var random = SystemRandomNumberGenerator()
        let raw = String((0..<12).map { _ in Self.codeAlphabet.randomElement(using: &random)! })
        let code = [0, 4, 8].map { String(Array(raw)[$0..<$0 + 4]) }.joined(separator: "-")
        let expires = now + Int64(hours * 3_600_000)
        return (
            IssuedCode(code: code, org: childOrg, expiresAt: ISOTimestamp.format(milliseconds: expires)),
            EnrollmentCode(
                codeHash: hash(code: code), org: childOrg, issuedAt: ISOTimestamp.format(milliseconds: now),
                expiresAt: expires)
        )
    }

    /// Refuses an enrollment for a unit that is not a child of `org`.
    public static func requireChild(_ peer: Peer, of org: OrgUnit) throws {
        guard case .child = peer else {
            throw DomainError.invalidValue(
                field: "org", value: peer.unit.code, allowed: "a child org of \(org.code) \(org.name)")
        }
    }

    /// Exchanges an enrollment code for a credential for node `nodeID`; the code is used up.
    public func acceptEnrollment(code: String, node nodeID: String) throws -> Enrolled {
        guard let node = NodeID(nodeID) else {
            throw DomainError.invalidValue(field: "node", value: nodeID, allowed: "16 lowercase hex digits")
        }
        return try store.write { writer in
            let now = store.wallClock.nowMilliseconds()
            let enrollment = try EnrollmentCode.fetchOne(writer.db, key: Self.hash(code: code))
            let enrolled = try ChildNode.fetchOne(writer.db, key: node.rawValue) != nil
            let (used, child, credential) = try Self.enroll(
                node, code: code, with: enrollment, alreadyEnrolled: enrolled, now: now)
            for step in Self.replaceOrgNode(org: child.org, at: child.enrolledAt) {
                try writer.db.execute(sql: step.sql, arguments: StatementArguments(step.arguments))
            }
            try child.insert(writer.db)
            try writer.registerNode(node, org: child.org)
            try used.update(writer.db)
            return Enrolled(credential: credential, org: child.org)
        }
    }

    /// Run before a node is enrolled for `org` at `time`: a new node for an org that had
    /// one (a county's PC replaced) replaces it.
    /// - The earlier node is revoked: cursors are kept per org, so two live nodes of one org
    ///   would each take the other's positions for their own.
    /// - The org's cursor is forgotten: it says how much the old node sent and was sent, while
    ///   the new one starts from nothing; kept, it would read as the new node's file copied
    ///   back from an older backup, and its sync would be refused.
    ///
    /// The same SQL on both backends. SQLite takes `$1`, `$2` as names numbered in the order
    /// they appear, so they appear in order.
    public static func replaceOrgNode(org: String, at time: String) -> [(sql: String, arguments: [String])] {
        [
            ("UPDATE child_node SET revoked_at = $1 WHERE org = $2 AND revoked_at IS NULL", [time, org]),
            ("DELETE FROM peer_cursor WHERE org = $1", [org]),
        ]
    }

    /// Checks an enrollment of `node` with `code` against what the hub keeps of it (`row`,
    /// nil when it never issued it), and makes what to store: the code marked used, the
    /// child with its credential's hash, and the credential, shown once.
    public static func enroll(
        _ node: NodeID, code: String, with row: EnrollmentCode?, alreadyEnrolled: Bool, now: Int64
    ) throws -> (used: EnrollmentCode, child: ChildNode, credential: String) {
        guard var enrollment = row else {
            throw DomainError.unauthorized("enrollment code '\(code)' is not one this hub issued")
        }
        guard enrollment.usedAt == nil else {
            throw DomainError.unauthorized(
                "enrollment code '\(code)' was already used (by node \(enrollment.usedBy ?? "?"))")
        }
        guard now <= enrollment.expiresAt else {
            throw DomainError.unauthorized(
                "enrollment code '\(code)' expired at \(ISOTimestamp.format(milliseconds: enrollment.expiresAt)); ask for a new one"
            )
        }
        guard !alreadyEnrolled else {
            throw DomainError.invalidValue(field: "node", value: node.rawValue, allowed: "a node not enrolled yet")
        }
        let credential = Credential.issue(id: node.rawValue)
        let stamp = ISOTimestamp.format(milliseconds: now)
        enrollment.usedAt = stamp
        enrollment.usedBy = node.rawValue
        let child = ChildNode(
            id: node.rawValue, org: enrollment.org, credentialHash: credential.hash, enrolledAt: stamp)
        return (enrollment, child, credential.text)
    }

    /// The enrolled, not revoked child presenting `credential` (`NODE.SECRET`); records its
    /// contact.
    public func authenticate(credential: String) throws -> ChildNode {
        // A read checks the credential; the last contact is written only when stale.
        var child = try Self.authenticate(credential) { id in try store.read { db in try Self.child(id, db) } }
        if isStale(child.lastContact) {
            child.lastContact = ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
            try store.write { writer in try Self.recordContact(of: [child.id], at: child.lastContact!, writer.db) }
        }
        return child
    }

    /// The enrolled child node `id`, revoked or not; nil when none.
    static func child(_ id: String, _ db: Database) throws -> ChildNode? {
        try ChildNode.fetchOne(db.cachedStatement(sql: "SELECT * FROM child_node WHERE id = ?"), arguments: [id])
    }

    /// Records that the children `ids` were in contact at `stamp`.
    static func recordContact(of ids: [String], at stamp: String, _ db: Database) throws {
        for id in ids {
            try db.cachedStatement(sql: "UPDATE child_node SET last_contact = ? WHERE id = ?")
                .execute(arguments: [stamp, id])
        }
    }

    /// The enrolled, not revoked child presenting `credential`, found by `find` (its id →
    /// what the hub keeps of it).
    public static func authenticate(_ credential: String, find: (String) throws -> ChildNode?) throws -> ChildNode {
        guard let presented = Credential(parsing: credential) else {
            throw DomainError.unauthorized("a node credential is NODE.SECRET")
        }
        guard let child = try find(presented.id), presented.matches(hash: child.credentialHash) else {
            throw DomainError.unauthorized("unknown or wrong node credential")
        }
        if let revokedAt = child.revokedAt { throw DomainError.revoked(node: child.id, at: revokedAt) }
        return child
    }

    /// Revokes a child's credential: its requests get 401 from now on.
    public func revoke(node: String) throws {
        try store.write { writer in
            guard var child = try ChildNode.fetchOne(writer.db, key: node) else {
                throw DomainError.notFound(kind: "enrolled node", id: node)
            }
            child.revokedAt = ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
            try child.update(writer.db)
        }
    }

    public static func hash(code: String) -> String {
        SHA256.hex(Array(code.uppercased().filter { $0 != "-" && $0 != " " }.utf8))
    }
}
