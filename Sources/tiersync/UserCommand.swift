import ArgumentParser
import Foundation
import TierSyncDomain
import TierSyncStore

/// `tiersync user add|list|passwd|disable|enable`: the accounts of the people who work in
/// this node's web interface. Passwords are read from standard input, never from arguments
/// (which other users of the PC can see), and stored as bcrypt hashes.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Accounts of the people who sign in to this node's web interface.",
        subcommands: [Add.self, List.self, Passwd.self, Disable.self, Enable.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account (password from standard input).")

        @OptionGroup var node: NodeOptions
        @Option(help: "The sign-in name: letters, digits, '.', '_' or '-'.") var login: String
        @Option(help: "The person's name as pages show it.") var name: String
        @Option(help: "clerk (enters records), reviewer (also settles conflicts) or admin (also manages accounts).")
        var role: String
        @Option(help: ArgumentHelp("The org whose subtree they work in (default: this node's).", valueName: "code"))
        var org: String?
        @Flag(help: "Read the password from standard input (its first line).") var passwordStdin = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            guard let role = UserRole(parsing: role) else {
                throw DomainError.invalidValue(field: "role", value: role, allowed: "clerk, reviewer or admin")
            }
            let account = try node.openAccounts().addUser(
                login: login, name: name, role: role, org: org, password: try readPassword(passwordStdin))
            if json { return try Output.json(List.Row(account)) }
            Output.line("user \(account.login) (\(account.name)), \(account.role) in \(account.org)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accounts, with their last sign-in.")

        @OptionGroup var node: NodeOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let users = try node.openAccounts().users()
            if json { return try Output.json(users.map(Row.init)) }
            Output.table(
                ["login", "name", "role", "org", "last sign-in", "state"],
                users.map {
                    [
                        $0.login, $0.name, $0.role, $0.org, $0.lastSignIn ?? "never",
                        $0.disabledAt.map { "disabled \($0)" } ?? "active",
                    ]
                })
        }

        struct Row: Encodable {
            let login, name, role, org, createdAt: String
            let lastSignIn, disabledAt: String?
            init(_ account: UserAccount) {
                (login, name, role, org, createdAt, lastSignIn, disabledAt) = (
                    account.login, account.name, account.role, account.org, account.createdAt, account.lastSignIn,
                    account.disabledAt
                )
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password (from standard input); the person's sessions end.")

        @OptionGroup var node: NodeOptions
        @Argument(help: "The login.") var login: String
        @Flag(help: "Read the password from standard input (its first line).") var passwordStdin = false

        func run() throws {
            try node.openAccounts().setPassword(login: login, password: try readPassword(passwordStdin))
            Output.line("password of \(login) changed")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account; its sessions end at once.")

        @OptionGroup var node: NodeOptions
        @Argument(help: "The login.") var login: String

        func run() throws {
            try node.openAccounts().setDisabled(login: login, true)
            Output.line("disabled \(login)")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")

        @OptionGroup var node: NodeOptions
        @Argument(help: "The login.") var login: String

        func run() throws {
            try node.openAccounts().setDisabled(login: login, false)
            Output.line("enabled \(login)")
        }
    }
}

/// The first line of standard input: the password, never an argument.
private func readPassword(_ fromStdin: Bool) throws -> String {
    guard fromStdin else { throw ValidationError("give the password on standard input with --password-stdin") }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("--password-stdin: standard input holds no password")
    }
    return line
}
