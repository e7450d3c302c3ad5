import Foundation
import GRDB
import HummingbirdBcrypt
import TierSyncCore
import TierSyncStore

/// People's accounts: the staff who sign in to this node's web interface. Passwords are kept
/// only as bcrypt hashes; wrong passwords slow further attempts per login and per address.
extension TierSyncNode {
    /// bcrypt's work factor: about 0.1 s a check on an office PC, which is what makes a
    /// stolen hash slow to guess and costs a person nothing.
    static let bcryptCost: UInt8 = 10

    /// Creates an account working in `orgCode`'s subtree (default: this node's org).
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
        let name = try Self.checkedName(name)
        let hash = try Self.hash(password)
        return try store.write { writer in
            let unit = try writableOrg(orgCode ?? org.code, db: writer.db)
            guard try UserAccount.fetchOne(writer.db, key: login) == nil else {
                throw DomainError.invalidValue(
                    field: "login", value: login, allowed: "a login not used yet on this node",
                    rule: .other(chinese: "登录名“\(login)”已被使用，请换一个。"))
            }
            let account = UserAccount(
                login: login, name: name, role: role.rawValue, org: unit.code, passwordHash: hash,
                createdAt: ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds()))
            try account.insert(writer.db)
            return account
        }
    }

    /// Every account, disabled ones included, by org then login.
    public func users() throws -> [UserAccount] {
        try store.read { db in try UserAccount.order(Column("org"), Column("login")).fetchAll(db) }
    }

    public func user(_ login: String) throws -> UserAccount {
        guard let account = try store.read({ db in try UserAccount.fetchOne(db, key: login) }) else {
            throw DomainError.notFound(kind: "user", id: login)
        }
        return account
    }

    /// Sets a new password; the person's sessions end, so an old sign-in cannot outlive it.
    public func setPassword(login: String, password: String) throws {
        let hash = try Self.hash(password)
        try store.write { writer in
            guard var account = try UserAccount.fetchOne(writer.db, key: login) else {
                throw DomainError.notFound(kind: "user", id: login)
            }
            account.passwordHash = hash
            try account.update(writer.db)
            try WebSession.filter(Column("subject") == "user:" + login).deleteAll(writer.db)
        }
    }

    /// Disables an account (or enables it again); disabling ends its sessions at once.
    public func setDisabled(login: String, _ disabled: Bool) throws {
        try store.write { writer in
            guard var account = try UserAccount.fetchOne(writer.db, key: login) else {
                throw DomainError.notFound(kind: "user", id: login)
            }
            account.disabledAt = disabled ? ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds()) : nil
            try account.update(writer.db)
            if disabled { try WebSession.filter(Column("subject") == "user:" + login).deleteAll(writer.db) }
        }
    }

    /// The account whose password this is. Refused, without checking the password, while
    /// the login or the address is slowed down by earlier wrong passwords.
    ///
    /// The attempt is counted as a failure before the (slow) check and taken back when the
    /// password is right, in the same transaction as the wait is read: parallel guesses
    /// cannot all slip through while the first is being checked.
    public func checkPassword(login: String, password: String, address: String) throws -> UserAccount {
        let now = store.wallClock.nowMilliseconds()
        let keys = [
            ("login:" + login, SignInThrottle.freePerLogin), ("address:" + address, SignInThrottle.freePerAddress),
        ]
        let account = try store.write { writer -> UserAccount? in
            let wait =
                try keys.map { try SignInThrottle.wait(key: $0.0, free: $0.1, now: now, db: writer.db) }.max() ?? 0
            guard wait == 0 else { throw DomainError.tooManyAttempts(retryAfterSeconds: Int((wait + 999) / 1000)) }
            for (key, _) in keys { try SignInThrottle.fail(key: key, now: now, db: writer.db) }
            return try UserAccount.fetchOne(writer.db, key: login)
        }
        // An unknown login costs the same bcrypt check, so timing does not tell which logins exist.
        let matches = Bcrypt.verify(password, hash: account?.passwordHash ?? Self.unknownLoginHash)
        guard let account, matches, account.disabledAt == nil else {
            if let account, matches, let disabled = account.disabledAt {
                throw DomainError.unauthorized("account \(login) was disabled at \(disabled)")
            }
            throw DomainError.unauthorized("unknown login or wrong password")
        }
        try store.write { writer in
            try SignInThrottle.succeed(login: keys[0].0, address: keys[1].0, db: writer.db)
            try writer.db.execute(
                sql: "UPDATE user_account SET last_sign_in = ? WHERE login = ?",
                arguments: [ISOTimestamp.format(milliseconds: now), login])
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

/// The slow-down after wrong passwords: past the free ones (2 per login; 10 per address, an
/// office's PCs share one), each attempt waits twice as long as the last (1 s, 2 s, 4 s … at
/// most 5 minutes); fifteen quiet minutes forgive them.
enum SignInThrottle {
    static let freePerLogin = 2
    static let freePerAddress = 10
    static let forgiveAfter: Int64 = 15 * 60_000

    /// Milliseconds still to wait before `key` may try again (0: now).
    static func wait(key: String, free: Int, now: Int64, db: Database) throws -> Int64 {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT failures, last_at FROM sign_in_failure WHERE key = ?", arguments: [key])
        else { return 0 }
        let failures: Int = row["failures"]
        let last: Int64 = row["last_at"]
        guard failures > free, now - last < forgiveAfter else { return 0 }
        let delay = min(Int64(1000) << min(failures - free - 1, 20), 300_000)
        return max(0, last + delay - now)
    }

    /// Counts a failure for `key`; rows quiet for longer than `forgiveAfter` go at the same
    /// time, so the table holds only recent guesses.
    static func fail(key: String, now: Int64, db: Database) throws {
        try db.execute(sql: "DELETE FROM sign_in_failure WHERE last_at < ?", arguments: [now - forgiveAfter])
        try db.execute(
            sql: """
                INSERT INTO sign_in_failure (key, failures, last_at) VALUES (?, 1, ?)
                ON CONFLICT(key) DO UPDATE SET
                    failures = CASE WHEN ? - last_at >= ? THEN 1 ELSE failures + 1 END, last_at = excluded.last_at
                """,
            arguments: [key, now, now, forgiveAfter])
    }

    /// A right password: the login starts afresh, and the address's count is what it was before.
    static func succeed(login: String, address: String, db: Database) throws {
        try db.execute(sql: "DELETE FROM sign_in_failure WHERE key = ?", arguments: [login])
        try db.execute(sql: "UPDATE sign_in_failure SET failures = failures - 1 WHERE key = ?", arguments: [address])
    }
}
