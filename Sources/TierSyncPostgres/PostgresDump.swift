import Foundation
import Logging
import TierSyncCore

/// A hub's database written to a file and put back with PostgreSQL's own tools, `pg_dump` and
/// `pg_restore` (from Debian's `postgresql-client`), as `tiersync backup` and `tiersync restore
/// --from` do for a SQLite file. The dump is one consistent snapshot taken while the hub
/// serves; a restore puts the database back in place and then makes it a working hub again
/// (`PostgresStore.restore`: a new node id and log epoch).
///
/// The tools get the server, user and password in `PG*` environment variables, never on their
/// command line, where other users of the machine could read the password.
///
/// ```swift
/// let (epoch, position) = try PostgresDump.write(address, to: "/backups/city.dump")
/// let (old, new) = try PostgresDump.restore(address, from: "/backups/city.dump", newNodeID: id)
/// ```
public enum PostgresDump {
    /// Dumps the hub at `address` to `path` (replaced only once the new dump is whole and
    /// readable).
    ///
    /// - Returns: the log epoch and position the hub had when the dump began; the dump holds
    ///   at least that much of the log.
    public static func write(_ address: PostgresAddress, to path: String, logger: Logger = Logger(label: "tiersync"))
        throws -> (epoch: String, position: Int64)
    {
        let session = try PostgresSession.connect(address, logger: logger)
        let mark = try session.query(
            "SELECT e.id, (SELECT coalesce(max(seq), 0) FROM change_log) FROM log_epoch e ORDER BY e.n DESC LIMIT 1"
        ).first?.decode((String, Int64).self)
        try? session.close()
        guard let mark else { throw PostgresStoreError.notInitialized(address: address.description) }
        let partial = path + ".partial"
        defer { try? FileManager.default.removeItem(atPath: partial) }
        try run("pg_dump", ["--format=custom", "--file=\(partial)", "--dbname=\(address.database)"], address)
        // Read back whole, as a restore would begin: a dump cut short is not kept.
        try run("pg_restore", ["--list", partial], address)
        guard rename(partial, path) == 0 else {
            throw PostgresStoreError.toolFailed(
                tool: "pg_dump", why: "the dump could not replace \(path): \(String(cString: strerror(errno)))")
        }
        return mark
    }

    /// Puts the dump at `path` back into the database at `address`, in one transaction, then
    /// makes it a working hub again with `newNodeID`.
    ///
    /// - Throws: `PostgresStoreError.inUse` before anything is changed while another
    ///   connection uses the database (a running `tiersync serve`).
    public static func restore(
        _ address: PostgresAddress, from path: String, newNodeID: NodeID, logger: Logger = Logger(label: "tiersync")
    ) throws -> (old: NodeID, new: NodeID) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PostgresStoreError.toolFailed(tool: "pg_restore", why: "\(path) is not a file that can be read")
        }
        try PostgresStore.requireUnused(address, logger: logger)
        try run(
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname=\(address.database)", path],
            address)
        return try PostgresStore.restore(address: address, newNodeID: newNodeID, logger: logger)
    }

    /// Runs a client program of PostgreSQL against `address`; it must succeed.
    static func run(_ tool: String, _ arguments: [String], _ address: PostgresAddress) throws {
        guard let program = executable(tool) else {
            throw PostgresStoreError.toolFailed(
                tool: tool, why: "it is not installed (apt-get install postgresql-client)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in settings(address) { environment[name] = value }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).split(whereSeparator: \.isNewline).first
            throw PostgresStoreError.toolFailed(
                tool: tool, why: text.map(String.init) ?? "exit status \(process.terminationStatus)")
        }
    }

    /// The `PG*` variables that point libpq's tools at `address`.
    static func settings(_ address: PostgresAddress) -> [String: String] {
        var settings = ["PGUSER": address.user, "PGDATABASE": address.database, "PGSSLMODE": "disable"]
        switch address.endpoint {
        case .tcp(let host, let port): (settings["PGHOST"], settings["PGPORT"]) = (host, String(port))
        case .socket(let folder, let port): (settings["PGHOST"], settings["PGPORT"]) = (folder, String(port))
        }
        settings["PGPASSWORD"] = address.password
        return settings
    }

    /// The program `tool` on the `PATH` (Debian's wrapper picks the version for the server).
    static func executable(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin"])
            .map { $0 + "/" + tool }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
