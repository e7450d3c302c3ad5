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
    }

    /// Unambiguous letters and digits (no 0/O, 1/I/L), read aloud over a phone line.
    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// Issues a one-time enrollment code for the child org `childOrg`, valid for `hours`.
    public func issueEnrollment(for childOrg: String, hours: Double = 72) throws -> IssuedCode {
        var random = SystemRandomNumberGenerator()
        let raw = String((0..<12).map { _ in Self.codeAlphabet.randomElement(using: &random)! })
        let code = [0, 4, 8].map { String(Array(raw)[$0..<$0 + 4]) }.joined(separator: "-")
        let now = store.wallClock.nowMilliseconds()
        let expires = now + Int64(hours * 3_600_000)
        try store.write { writer in
            guard case .child = try relation(to: childOrg, db: writer.db) else {
                throw DomainError.invalidValue(
                    field: "org", value: childOrg, allowed: "a child org of \(org.code) \(org.name)")
            }
            try EnrollmentCode(
                codeHash: Self.hash(code: code), org: childOrg, issuedAt: ISOTimestamp.format(milliseconds: now),
                expiresAt: expires
            ).insert(writer.db)
        }
        return IssuedCode(code: code, org: childOrg, expiresAt: ISOTimestamp.format(milliseconds: expires))
    }

    /// Exchanges an enrollment code for a credential for node `nodeID`; the code is used up.
    public func acceptEnrollment(code: String, node nodeID: String) throws -> Enrolled {
        guard let node = NodeID(nodeID) else {
            throw DomainError.invalidValue(field: "node", value: nodeID, allowed: "16 lowercase hex digits")
        }
        return try store.write { writer in
            let now = store.wallClock.nowMilliseconds()
            guard var enrollment = try EnrollmentCode.fetchOne(writer.db, key: Self.hash(code: code)) else {
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
            guard try ChildNode.fetchOne(writer.db, key: node.rawValue) == nil else {
                throw DomainError.invalidValue(field: "node", value: nodeID, allowed: "a node not enrolled yet")
            }
            var random = SystemRandomNumberGenerator()
            let secret = (0..<4).map { _ in String(format: "%016llx", random.next()) }.joined()
            let stamp = ISOTimestamp.format(milliseconds: now)
            try ChildNode(
                id: node.rawValue, org: enrollment.org, credentialHash: SHA256.hex(Array(secret.utf8)),
                enrolledAt: stamp
            ).insert(writer.db)
            try writer.registerNode(node, org: enrollment.org)
            enrollment.usedAt = stamp
            enrollment.usedBy = node.rawValue
            try enrollment.update(writer.db)
            return Enrolled(credential: node.rawValue + "." + secret, org: enrollment.org)
        }
    }

    /// The enrolled, not revoked child presenting `credential` (`NODE.SECRET`); records its
    /// contact.
    public func authenticate(credential: String) throws -> ChildNode {
        let parts = credential.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw DomainError.unauthorized("a node credential is NODE.SECRET") }
        // A read checks the credential; the last contact is written at most once a minute, so
        // that a busy hub does not add a write transaction to every request.
        var child = try store.read { db in try ChildNode.fetchOne(db, key: parts[0]) }
        guard let known = child, known.credentialHash == SHA256.hex(Array(parts[1].utf8)) else {
            throw DomainError.unauthorized("unknown or wrong node credential")
        }
        guard known.revokedAt == nil else {
            throw DomainError.unauthorized("node \(known.id) was revoked at \(known.revokedAt!)")
        }
        let now = store.wallClock.nowMilliseconds()
        let stale = known.lastContact.map { ISOTimestamp.format(milliseconds: now - 60_000) > $0 } ?? true
        if stale {
            child?.lastContact = ISOTimestamp.format(milliseconds: now)
            try store.write { writer in
                try writer.db.execute(
                    sql: "UPDATE child_node SET last_contact = ? WHERE id = ?",
                    arguments: [child?.lastContact, known.id])
            }
        }
        return child ?? known
    }

    /// Enrolled children, with their last contact.
    public func children() throws -> [ChildNode] {
        try store.read { db in try ChildNode.order(Column("org"), Column("id")).fetchAll(db) }
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

    static func hash(code: String) -> String {
        SHA256.hex(Array(code.uppercased().filter { $0 != "-" && $0 != " " }.utf8))
    }
}
