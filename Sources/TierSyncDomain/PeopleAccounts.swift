import Foundation
import HummingbirdBcrypt
import TierSyncCore
import TierSyncStore

/// People's accounts: the staff who sign in to a node's web pages, on either store (a SQLite
/// node, a hub on PostgreSQL). Passwords are kept only as bcrypt hashes; wrong passwords slow
/// further attempts per login and per address. The rules are written once here; a store gives
/// the transaction they run in and the subtree accounts may be made in.
///
/// ```swift
/// let accounts: any PeopleAccounts = try PostgresHub.open(address: address)
/// try accounts.addUser(login: "li", name: "示例·李二", role: .reviewer, password: "a-long-password")
/// ```
public protocol PeopleAccounts: Sendable {
    /// Runs `body` in one transaction of the store's accounts and sessions (not the records'
    /// writer lock: a sign-in never waits for a push).
    func withAccounts<T>(_ body: (any SQLWriter) throws -> T) throws -> T
    /// The subtree accounts may be made in: the node's own, or the acting person's.
    var accountScope: OrgUnit { get }
    var wallClock: any WallClock { get }
}

/// bcrypt's work factor: about 0.1 s a check on an office PC, which is what makes a stolen hash
/// slow to guess and costs a person nothing.
let bcryptCost: UInt8 = 10

extension PeopleAccounts {
    /// Creates an account working in `orgCode`'s subtree (default: the scope's own org).
    @discardableResult
    public func addUser(login: String, name: String, role: UserRole, org orgCode: String? = nil, password: String)
        throws -> UserAccount
    {
        let login = login.trimmingCharacters(in: .whitespaces)
        guard (2...32).contains(login.count),
            login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else {
            throw DomainError.invalidValue(
                field: "login", value: login, allowed: "2 to 32 letters, digits, '.', '_' or '-'",
                rule: .other(chinese: "登录名应为 2–32 位字母、数字、“.”、“_”或“-”。"))
        }
        let name = try PasswordRules.checkedName(name)
        let hash = try PasswordRules.hash(password)
        let scope = accountScope
        return try withAccounts { db in
            let unit = try RecordEdit.writableOrg(orgCode ?? scope.code, scope: scope) {
                try OrgUnit.find($0, in: db)
            }
            guard try Self.account(login, db) == nil else {
                throw DomainError.invalidValue(
                    field: "login", value: login, allowed: "a login not used yet on this node",
                    rule: .other(chinese: "登录名“\(login)”已被使用，请换一个。"))
            }
            let account = UserAccount(
                login: login, name: name, role: role.rawValue, org: unit.code, passwordHash: hash,
                createdAt: ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds()))
            try db.execute(
                """
                INSERT INTO user_account (login, name, role, org, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(login), .text(name), .text(account.role), .text(unit.code), .text(hash),
                    .text(account.createdAt),
                ])
            return account
        }
    }

    /// Every account, disabled ones included, by org then login.
    public func users() throws -> [UserAccount] {
        try withAccounts { db in
            try db.rows(
                "SELECT \(Self.columns) FROM user_account ORDER BY \(db.dialect.bytewise("org")), \(db.dialect.bytewise("login"))"
            ).map(UserAccount.init(row:))
        }
    }

    public func user(_ login: String) throws -> UserAccount {
        guard let account = try withAccounts({ try Self.account(login, $0) }) else {
            throw DomainError.notFound(kind: "user", id: login)
        }
        return account
    }

    /// Sets a new password; the person's sessions end, so an old sign-in cannot outlive it.
    public func setPassword(login: String, password: String) throws {
        let hash = try PasswordRules.hash(password)
        try withAccounts { db in
            guard try Self.account(login, db) != nil else { throw DomainError.notFound(kind: "user", id: login) }
            try db.execute("UPDATE user_account SET password_hash = ? WHERE login = ?", [.text(hash), .text(login)])
            try db.execute("DELETE FROM web_session WHERE subject = ?", [.text("user:" + login)])
        }
    }

    /// Disables an account (or enables it again); disabling ends its sessions at once.
    public func setDisabled(login: String, _ disabled: Bool) throws {
        let now = ISOTimestamp.format(milliseconds: wallClock.nowMilliseconds())
        try withAccounts { db in
            guard try Self.account(login, db) != nil else { throw DomainError.notFound(kind: "user", id: login) }
            try db.execute(
                "UPDATE user_account SET disabled_at = ? WHERE login = ?",
                [disabled ? .text(now) : .null, .text(login)])
            if disabled { try db.execute("DELETE FROM web_session WHERE subject = ?", [.text("user:" + login)]) }
        }
    }

    /// The account whose password this is. Refused, without checking the password, while
    /// the login or the address is slowed down by earlier wrong passwords.
    ///
    /// The attempt is counted as a failure before the (slow) check and taken back when the
    /// password is right, in the same transaction as the wait is read: parallel guesses
    /// cannot all slip through while the first is being checked.
    public func checkPassword(login: String, password: String, address: String) throws -> UserAccount {
        let now = wallClock.nowMilliseconds()
        let keys = [
            ("login:" + login, SignInThrottle.freePerLogin), ("address:" + address, SignInThrottle.freePerAddress),
        ]
        let account = try withAccounts { db -> UserAccount? in
            let wait = try keys.map { try SignInThrottle.wait(key: $0.0, free: $0.1, now: now, db: db) }.max() ?? 0
            guard wait == 0 else { throw DomainError.tooManyAttempts(retryAfterSeconds: Int((wait + 999) / 1000)) }
            for (key, _) in keys { try SignInThrottle.fail(key: key, now: now, db: db) }
            return try Self.account(login, db)
        }
        // An unknown login costs the same bcrypt check, so timing does not tell which logins exist.
        let matches = Bcrypt.verify(password, hash: account?.passwordHash ?? PasswordRules.unknownLoginHash)
        guard let account, matches, account.disabledAt == nil else {
            if let account, matches, let disabled = account.disabledAt {
                throw DomainError.unauthorized("account \(login) was disabled at \(disabled)")
            }
            throw DomainError.unauthorized("unknown login or wrong password")
        }
        try withAccounts { db in
            try SignInThrottle.succeed(login: keys[0].0, address: keys[1].0, db: db)
            try db.execute(
                "UPDATE user_account SET last_sign_in = ? WHERE login = ?",
                [.text(ISOTimestamp.format(milliseconds: now)), .text(login)])
        }
        return account
    }

    /// A person's own password change: refused unless `current` is their password now.
    public func changeOwnPassword(login: String, current: String, new password: String) throws {
        let account = try user(login)
        guard Bcrypt.verify(current, hash: account.passwordHash) else {
            throw DomainError.invalidValue(
                field: "current", value: "…", allowed: "your current password",
                rule: .other(chinese: "当前密码不正确，密码未修改。"))
        }
        try setPassword(login: login, password: password)
    }

    /// The columns `UserAccount.init(row:)` reads.
    static var columns: String { "login, name, role, org, password_hash, created_at, disabled_at, last_sign_in" }

    static func account(_ login: String, _ db: any SQLReader) throws -> UserAccount? {
        try db.rows("SELECT \(columns) FROM user_account WHERE login = ?", [.text(login)]).first
            .map(UserAccount.init(row:))
    }
}

extension UserAccount {
    /// An account from a row of `PeopleAccounts.columns`.
    public init(row: SQLRow) {
        self.init(login: row[0], name: row[1], role: row[2], org: row[3], passwordHash: row[4], createdAt: row[5])
        (disabledAt, lastSignIn) = (row[6], row[7])
    }
}

/// What a password and a person's name must be, and how a password is kept.
enum PasswordRules {
    static let unknownLoginHash = Bcrypt.hash("not a password of anyone", cost: bcryptCost)

    static func hash(_ password: String) throws -> String {
        guard (8...72).contains(password.utf8.count) else {
            throw DomainError.invalidValue(
                field: "password", value: "…", allowed: "8 to 72 bytes",
                rule: .other(chinese: "密码长度应为 8–72 个字符（汉字按 3 个计）。"))
        }
        return Bcrypt.hash(password, cost: bcryptCost)
    }

    static func checkedName(_ name: String) throws -> String {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 50 else {
            throw DomainError.invalidValue(
                field: "name", value: name, allowed: "a person's name, 1 to 50 characters",
                rule: .other(chinese: "请填写姓名（1–50 个字）。"))
        }
        return name
    }
}

extension TierSyncNode: PeopleAccounts {
    public func withAccounts<T>(_ body: (any SQLWriter) throws -> T) throws -> T {
        try store.write { writer in try body(writer.db) }
    }

    public var accountScope: OrgUnit { writeScope }
}
