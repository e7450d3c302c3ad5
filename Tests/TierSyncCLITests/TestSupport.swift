import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres

/// A fresh temporary folder for one test, removed with everything in it when the test's
/// suite instance goes away (swift-testing makes one instance per test).
final class Scratch: Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tiersync-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The path of `name` inside the folder (the file need not exist).
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The names of the files in the folder.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }
}

/// Runs `tiersync ARGUMENTS`.
func tiersync(_ arguments: String...) throws -> ProcessOutput {
    try TierSyncProcess.run(arguments)
}

/// Runs `tiersync ARGUMENTS`, which must succeed with nothing on standard error.
@discardableResult
func expectSuccess(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
    -> ProcessOutput
{
    let result = try TierSyncProcess.run(arguments)
    try #require(result.succeeded, "\(result.summary)", sourceLocation: sourceLocation)
    #expect(result.stderr.isEmpty, "\(result.summary)", sourceLocation: sourceLocation)
    return result
}

@discardableResult
func expectSuccess(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws
    -> ProcessOutput
{
    try expectSuccess(arguments, sourceLocation: sourceLocation)
}

/// Makes a node for `org` at `db`; returns its node id.
@discardableResult
/// A one-time enrollment code the hub node at `db` issues for its child org `org`.
func enrollmentCode(
    _ db: String, org: String, hours: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) throws -> String {
    let result = try expectSuccess(
        ["enroll", "--db", db, "--org", org, "--json"] + (hours.map { ["--hours", $0] } ?? []),
        sourceLocation: sourceLocation)
    return try #require(JSONValue.decode(result.stdout)["code"]?.string, sourceLocation: sourceLocation)
}

/// Makes the node `db` by joining `hub` with a code its node issues for `org`.
func joinNode(
    _ db: String, hub: HubProcess, parentDB: String, org: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    try joinNode(db, url: hub.url, parentDB: parentDB, org: org, sourceLocation: sourceLocation)
}

/// Makes the node `db` by joining the hub at `url` with a code its node issues for `org`.
func joinNode(
    _ db: String, url: String, parentDB: String, org: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let code = try enrollmentCode(parentDB, org: org, sourceLocation: sourceLocation)
    try expectSuccess(["join", "--db", db, "--parent", url, "--code", code], sourceLocation: sourceLocation)
}

func initNode(_ db: String, org: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> String
{
    let result = try expectSuccess(
        ["init", "--db", db, "--org", org, "--json"], sourceLocation: sourceLocation)
    let object = try JSONValue.decode(result.stdout)
    return try #require(object["node"]?.string, sourceLocation: sourceLocation)
}

/// Adds a record with `tiersync KIND add --db DB --json FIELDS...` and returns it.
func addRecord(
    _ kind: String, db: String, _ fields: [String], sourceLocation: SourceLocation = #_sourceLocation
) throws -> RecordJSON {
    let result = try expectSuccess(
        [kind, "add", "--db", db, "--json"] + fields, sourceLocation: sourceLocation)
    return try RecordJSON.decode(result.stdout)
}

/// What `tiersync export --db DB --format json` prints.
func exportJSON(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try expectSuccess(["export", "--db", db, "--format", "json"], sourceLocation: sourceLocation)
        .stdout
}

/// The records of `tiersync export --db DB --format json`.
func exportedRecords(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [RecordJSON]
{
    try RecordList.decode(try exportJSON(db, sourceLocation: sourceLocation)).records
}

/// The number of rows in the node's change log, read with the `sqlite3` shell.
func changeLogCount(_ db: String) throws -> Int {
    guard PostgresAddress.isAddress(db) else { return try SQLiteShell.integer(db, "SELECT count(*) FROM change_log") }
    let session = try PostgresSession.connect(try PostgresAddress(parsing: db), logger: PostgresScratchDatabase.silent)
    defer { try? session.close() }
    return Int(try session.query("SELECT count(*) FROM change_log").first?.decode(Int64.self) ?? 0)
}

/// Runs a command that must be refused, and checks the refusal as a user meets it: a
/// non-zero exit, nothing on standard output, exactly one line on standard error that
/// mentions each of `mentions`, and nothing written (the node's export and change log are
/// the same before and after). Returns the error line.
@discardableResult
func expectRefusal(
    db: String, _ arguments: [String], mentions: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> String {
    let exportBefore = try exportJSON(db, sourceLocation: sourceLocation)
    let logBefore = try changeLogCount(db)
    let result = try TierSyncProcess.run(arguments)
    #expect(result.exitCode != 0, "\(result.summary)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "\(result.summary)", sourceLocation: sourceLocation)
    #expect(result.errorLines.count == 1, "\(result.summary)", sourceLocation: sourceLocation)
    let line = result.errorLines.first ?? ""
    for mention in mentions {
        #expect(
            line.contains(mention),
            "error line should mention \(mention.debugDescription): \(line.debugDescription)",
            sourceLocation: sourceLocation)
    }
    #expect(
        try exportJSON(db, sourceLocation: sourceLocation) == exportBefore,
        "the refused command changed the records", sourceLocation: sourceLocation)
    #expect(
        try changeLogCount(db) == logBefore, "the refused command wrote to the change log",
        sourceLocation: sourceLocation)
    return line
}

/// True for a UUID in the lowercase form TierSync prints.
func isRecordID(_ text: String) -> Bool {
    UUID(uuidString: text) != nil && text == text.lowercased() && text.count == 36
}

// MARK: JSON

/// A JSON value, for reading what the CLI prints without tying the tests to its Swift types.
enum JSONValue: Decodable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral,
    ExpressibleByFloatLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral
{
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    init(stringLiteral value: String) { self = .string(value) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(booleanLiteral value: Bool) { self = .bool(value) }

    static func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    var int: Int? { number.map { Int($0) } }

    var keys: Set<String> {
        if case .object(let object) = self { return Set(object.keys) }
        return []
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return value.debugDescription
        case .array(let values): return "[" + values.map(\.description).joined(separator: ",") + "]"
        case .object(let object):
            return "{"
                + object.keys.sorted().map { "\($0.debugDescription):\(object[$0]!)" }.joined(
                    separator: ",") + "}"
        }
    }
}

/// A record as the CLI prints it in JSON.
struct RecordJSON: Decodable, Equatable {
    let table: String
    let id: String
    let org: String
    let deleted: Bool
    let fields: [String: JSONValue]

    static func decode(_ text: String) throws -> RecordJSON {
        try JSONDecoder().decode(RecordJSON.self, from: Data(text.utf8))
    }

    /// The field's value; `.null` for a field that is absent or null.
    subscript(field: String) -> JSONValue { fields[field] ?? .null }

    /// The fields that hold a value.
    var nonNullFields: [String] { fields.filter { $0.value != .null }.keys.sorted() }
}

/// `{"records":[...]}`, as `list --json` and `export --format json` print it.
struct RecordList: Decodable {
    let records: [RecordJSON]

    static func decode(_ text: String) throws -> RecordList {
        try JSONDecoder().decode(RecordList.self, from: Data(text.utf8))
    }
}

/// Enters `count` contacts at the node `path` through the library (fast), as offline entry
/// would, numbered from `first`; works while the node's server runs (another connection).
@discardableResult
func enterContacts(_ path: String, count: Int, from first: Int = 0) throws -> Int {
    let node = try TierSyncNode.open(path: path)
    try node.store.write { writer in
        var random = SystemRandomNumberGenerator()
        for i in first..<(first + count) {
            try writer.insert(
                table: "contact", id: RecordID.random(using: &random), org: node.org.code,
                fields: [
                    "role": .text("liaison"), "name": .text("示例\(i)"),
                    "phone": .text("139\(String(format: "%08d", i))"), "last_confirmed": .text("2026-11-29"),
                ])
        }
    }
    try node.store.close()
    return count
}

/// Where a test keeps a hub: the tests that take it run with each.
enum HubStore: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres
    var description: String { rawValue }

    /// A new, empty place for a hub named `name`: a file in `scratch`, or a database of its own
    /// (kept alive by the returned handle, dropped with it).
    func place(_ name: String, in scratch: Scratch) throws -> (db: String, database: PostgresScratchDatabase?) {
        switch self {
        case .sqlite: return (scratch.path(name + ".db"), nil)
        case .postgres:
            let database = try PostgresScratchDatabase()
            return (database.address.description, database)
        }
    }
}
