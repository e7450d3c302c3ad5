import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// People's accounts on a hub on PostgreSQL: the officers who sign in to its pages with a
/// login and password, kept by the same rules as a SQLite node's (`PeopleAccounts`). Every
/// process of the hub sees them, and the sign-in slow-down counts attempts made on any.
extension PostgresHub: PeopleAccounts {
    public func withAccounts<T>(_ body: (any SQLWriter) throws -> T) throws -> T {
        try store.withSession { session in try session.transaction { try body(session) } }
    }

    public var accountScope: OrgUnit { writeScope }
}
