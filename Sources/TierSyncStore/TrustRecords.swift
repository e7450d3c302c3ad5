import GRDB

/// A one-time enrollment code issued for a child org: one row of `enrollment` (the code
/// itself is never stored, only its hash).
public struct EnrollmentCode: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "enrollment"
    public var codeHash: String
    public var org: String
    public var issuedAt: String
    public var expiresAt: Int64
    public var usedAt: String?
    public var usedBy: String?

    enum CodingKeys: String, CodingKey {
        case codeHash = "code_hash", org, issuedAt = "issued_at", expiresAt = "expires_at", usedAt = "used_at",
            usedBy = "used_by"
    }

    public init(codeHash: String, org: String, issuedAt: String, expiresAt: Int64) {
        self.codeHash = codeHash
        self.org = org
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// A child node enrolled here, with the hash of its credential: one row of `child_node`.
public struct ChildNode: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "child_node"
    public var id: String
    public var org: String
    public var credentialHash: String
    public var enrolledAt: String
    public var revokedAt: String?
    public var lastContact: String?

    enum CodingKeys: String, CodingKey {
        case id, org, credentialHash = "credential_hash", enrolledAt = "enrolled_at", revokedAt = "revoked_at",
            lastContact = "last_contact"
    }

    public init(id: String, org: String, credentialHash: String, enrolledAt: String) {
        self.id = id
        self.org = org
        self.credentialHash = credentialHash
        self.enrolledAt = enrolledAt
    }
}

/// This node's parent hub: the one row of `parent_link`, present once the node has joined.
public struct ParentLink: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "parent_link"
    public var oneRow = 1
    public var url: String
    public var org: String
    public var node: String
    /// The credential this node presents; the parent keeps only its hash.
    public var credential: String
    public var joinedAt: String
    public var lastSync: String?
    public var lastError: String?
    /// This node's clock minus the parent's, in milliseconds, at the last contact.
    public var clockOffsetMs: Int64?

    enum CodingKeys: String, CodingKey {
        case oneRow = "one_row", url, org, node, credential, joinedAt = "joined_at", lastSync = "last_sync",
            lastError = "last_error", clockOffsetMs = "clock_offset_ms"
    }

    public init(url: String, org: String, node: String, credential: String, joinedAt: String) {
        self.url = url
        self.org = org
        self.node = node
        self.credential = credential
        self.joinedAt = joinedAt
    }
}

/// A person who reads this hub's reports and dashboard, with the hash of their credential:
/// one row of `operator`.
public struct OperatorAccount: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "operator"
    public var id: String
    public var name: String
    /// The org whose subtree the operator sees.
    public var org: String
    public var credentialHash: String
    public var createdAt: String
    public var revokedAt: String?
    public var lastSeen: String?

    enum CodingKeys: String, CodingKey {
        case id, name, org, credentialHash = "credential_hash", createdAt = "created_at", revokedAt = "revoked_at",
            lastSeen = "last_seen"
    }

    public init(id: String, name: String, org: String, credentialHash: String, createdAt: String) {
        self.id = id
        self.name = name
        self.org = org
        self.credentialHash = credentialHash
        self.createdAt = createdAt
    }
}
