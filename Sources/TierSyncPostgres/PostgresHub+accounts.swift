import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// People's accounts on a hub on PostgreSQL: the officers who sign in to its pages with a
/// login and password, kept by the same rules as a SQLite node's (`PeopleAccounts`). Every
/// process of the hub sees them, and the sign-in slow-down counts attempts made on any.
extension PostgresHub: PeopleAccounts {
    /// One transaction holding the accounts' own lock (not the writer lock): parallel sign-ins
    /// on any process read and count wrong passwords one after another, as SQLite's single
    /// writer makes them, so the slow-down holds against guesses sent at once.
    public func withAccounts<T>(_ body: (any SQLWriter) throws -> T) throws -> T {
        try store.withSession { session in
            try session.transaction {
                try session.query("SELECT pg_advisory_xact_lock($1)", [.integer(Self.accountsLock)])
                return try body(session)
            }
        }
    }

    /// The advisory lock of the accounts' transactions ("TSpeople").
    static let accountsLock: Int64 = 0x5453_7065_6f70_6c65

    public var accountScope: OrgUnit { writeScope }
}
