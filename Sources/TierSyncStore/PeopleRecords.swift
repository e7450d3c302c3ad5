import GRDB

/// A person who works in this node's web interface: one row of `user_account` (only the
/// bcrypt hash of the password is kept).
public struct UserAccount: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "user_account"
    public var login: String
    public var name: String
    /// `clerk`, `reviewer` or `admin`.
    public var role: String
    /// The org whose subtree the person works in.
    public var org: String
    public var passwordHash: String
    public var createdAt: String
    public var disabledAt: String?
    public var lastSignIn: String?

    enum CodingKeys: String, CodingKey {
        case login, name, role, org, passwordHash = "password_hash", createdAt = "created_at",
            disabledAt = "disabled_at", lastSignIn = "last_sign_in"
    }

    public init(login: String, name: String, role: String, org: String, passwordHash: String, createdAt: String) {
        self.login = login
        self.name = name
        self.role = role
        self.org = org
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// A signed-in browser: one row of `web_session`, found by the SHA-256 of the cookie's id.
public struct WebSession: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "web_session"
    public var idHash: String
    /// `user:LOGIN` or `operator:ID`.
    public var subject: String
    /// The token every changing form of this session carries.
    public var csrf: String
    public var createdAt: Int64
    public var lastSeen: Int64

    enum CodingKeys: String, CodingKey {
        case idHash = "id_hash", subject, csrf, createdAt = "created_at", lastSeen = "last_seen"
    }

    public init(idHash: String, subject: String, csrf: String, createdAt: Int64, lastSeen: Int64) {
        self.idHash = idHash
        self.subject = subject
        self.csrf = csrf
        self.createdAt = createdAt
        self.lastSeen = lastSeen
    }
}

/// One sync attempt with the parent and its outcome: one row of `sync_attempt`.
public struct SyncAttempt: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "sync_attempt"
    public var id: Int64?
    public var at: String
    public var ok: Bool
    public var pushed = 0
    public var pulled = 0
    public var copied = 0
    public var conflicts = 0
    public var refused = 0
    /// Why the attempt failed, as the client said it.
    public var error: String?
    /// The refusals of changes the parent would not take, one a line.
    public var refusals: String?

    public init(at: String, ok: Bool) {
        self.at = at
        self.ok = ok
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
