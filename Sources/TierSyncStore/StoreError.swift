/// An error from the store, with a message that says what was wrong and what to do.
///
/// A struct over a private enum (as Hummingbird's `PersistError`), so cases can be added
/// without breaking callers, who match on the public statics:
/// ```swift
/// catch let error as StoreError where error == .recordNotFound(table: "plan", id: id) { ... }
/// ```
public struct StoreError: Error, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case notATierSyncDatabase(path: String, reason: String)
        case newerSchema(path: String, fileVersion: String, knownVersion: String)
        case noDatabase(path: String)
        case notInitialized(path: String)
        case alreadyInitialized(path: String, org: String, node: String)
        case unknownTable(String, known: [String])
        case unknownField(table: String, field: String, known: [String])
        case recordNotFound(table: String, id: String)
        case recordExists(table: String, id: String)
        case recordDeleted(table: String, id: String)
        case corruptRow(table: String, id: String)
        case emptyRecord(table: String)
        case editRefused(table: String, id: String, reason: String)
        case textWithNUL(table: String, field: String)
        case locked(path: String, waited: Double)
        case cannotCopy(path: String, reason: String)
        case diskFull(path: String)
        case blobMismatch(sha256: String, actual: String)
        case badChunk(sha256: String, index: Int, reason: String)
        case blobNotHere(sha256: String)
    }

    private let code: Code

    public static func notATierSyncDatabase(path: String, reason: String) -> StoreError {
        .init(code: .notATierSyncDatabase(path: path, reason: reason))
    }
    public static func newerSchema(path: String, fileVersion: String, knownVersion: String) -> StoreError {
        .init(code: .newerSchema(path: path, fileVersion: fileVersion, knownVersion: knownVersion))
    }
    public static func noDatabase(path: String) -> StoreError { .init(code: .noDatabase(path: path)) }
    public static func notInitialized(path: String) -> StoreError { .init(code: .notInitialized(path: path)) }
    public static func alreadyInitialized(path: String, org: String, node: String) -> StoreError {
        .init(code: .alreadyInitialized(path: path, org: org, node: node))
    }
    public static func unknownTable(_ name: String, known: [String]) -> StoreError {
        .init(code: .unknownTable(name, known: known))
    }
    public static func textWithNUL(table: String, field: String) -> StoreError {
        .init(code: .textWithNUL(table: table, field: field))
    }
    public static func unknownField(table: String, field: String, known: [String]) -> StoreError {
        .init(code: .unknownField(table: table, field: field, known: known))
    }
    public static func recordNotFound(table: String, id: String) -> StoreError {
        .init(code: .recordNotFound(table: table, id: id))
    }
    public static func recordExists(table: String, id: String) -> StoreError {
        .init(code: .recordExists(table: table, id: id))
    }
    public static func recordDeleted(table: String, id: String) -> StoreError {
        .init(code: .recordDeleted(table: table, id: id))
    }
    public static func emptyRecord(table: String) -> StoreError { .init(code: .emptyRecord(table: table)) }
    /// Another process held the database's write lock for longer than the busy timeout.
    public static func locked(path: String, waited: Double) -> StoreError {
        .init(code: .locked(path: path, waited: waited))
    }
    /// A backup could not be written to `path`.
    public static func cannotCopy(path: String, reason: String) -> StoreError {
        .init(code: .cannotCopy(path: path, reason: reason))
    }
    /// The disk (or the database's size limit) is full; the transaction was rolled back.
    public static func diskFull(path: String) -> StoreError { .init(code: .diskFull(path: path)) }

    /// A file's bytes do not hash to the SHA-256 it was sent as; they were dropped.
    public static func blobMismatch(sha256: String, actual: String) -> StoreError {
        .init(code: .blobMismatch(sha256: sha256, actual: actual))
    }
    /// A chunk of a file that cannot be taken as it is (out of range, the wrong length, or not
    /// matching its own SHA-256).
    public static func badChunk(sha256: String, index: Int, reason: String) -> StoreError {
        .init(code: .badChunk(sha256: sha256, index: index, reason: reason))
    }
    /// The bytes of a file are not (or not all) on this node.
    public static func blobNotHere(sha256: String) -> StoreError { .init(code: .blobNotHere(sha256: sha256)) }

    /// Whether the error passes when waited out: the file is locked, or the disk is full.
    /// An edge answers it as "unavailable, try again later".
    public var isTemporary: Bool {
        switch code {
        case .locked, .diskFull: true
        default: false
        }
    }
    /// A local edit that the merge refused (a field that is written once, say).
    public static func editRefused(table: String, id: String, reason: String) -> StoreError {
        .init(code: .editRefused(table: table, id: id, reason: reason))
    }
    public static func corruptRow(table: String, id: String) -> StoreError {
        .init(code: .corruptRow(table: table, id: id))
    }

    /// Whether the error is about a record that is not there (never was, or is deleted),
    /// rather than about the database: an edge answers it as "not found".
    public var isMissingRecord: Bool {
        switch code {
        case .recordNotFound, .recordDeleted, .blobNotHere: true
        default: false
        }
    }

    /// Whether the error is about what a caller asked for (an unknown table or field, a record
    /// that exists already, nothing to write), rather than about the database.
    public var isBadRequest: Bool {
        switch code {
        case .unknownTable, .unknownField, .recordExists, .emptyRecord, .editRefused, .blobMismatch, .badChunk: true
        default: false
        }
    }

    public var description: String {
        switch code {
        case .notATierSyncDatabase(let path, let reason):
            return "\(path) is not a TierSync database (\(reason)); it was left untouched"
        case .newerSchema(let path, let fileVersion, let knownVersion):
            return "\(path) was written by a newer TierSync (schema \(fileVersion)); "
                + "this TierSync knows schema up to \(knownVersion): upgrade tiersync to open it"
        case .noDatabase(let path):
            return "no database at \(path): create one with `tiersync init --db \(path) --org CODE`"
        case .notInitialized(let path):
            return "\(path) has no node yet: run `tiersync init --db \(path) --org CODE` first"
        case .alreadyInitialized(let path, let org, let node):
            return "\(path) is already a TierSync node (org \(org), node \(node)); choose another file"
        case .unknownTable(let name, let known):
            return "unknown table '\(name)'; known tables: \(known.joined(separator: ", "))"
        case .textWithNUL(let table, let field):
            return "field \(field) of \(table) holds the NUL character (U+0000); text without it is allowed"
        case .unknownField(let table, let field, let known):
            return "unknown field '\(field)' for \(table); allowed: \(known.joined(separator: ", "))"
        case .recordNotFound(let table, let id):
            return "no \(table) record with id \(id)"
        case .recordExists(let table, let id):
            return "a \(table) record with id \(id) already exists"
        case .recordDeleted(let table, let id):
            return "\(table) record \(id) is deleted"
        case .emptyRecord(let table):
            return "a new \(table) record needs at least one field with a value"
        case .editRefused(let table, let id, let reason):
            return "the edit of \(table) record \(id) was refused, and nothing of it was written: \(reason)"
        case .locked(let path, let waited):
            return "\(path) is locked by another process (waited \(Int(waited)) s for it); nothing was written: "
                + "close the other program using it (a second tiersync serve, a backup tool, sqlite3) and try again"
        case .cannotCopy(let path, let reason):
            return "cannot write the backup \(path): \(reason)"
        case .diskFull(let path):
            return "the disk holding \(path) is full; nothing of this write was applied: free some space and try again"
        case .blobMismatch(let sha256, let actual):
            return
                "the file sent as SHA-256 \(sha256) hashes to \(actual): it was damaged on the way and was dropped; send it again"
        case .badChunk(let sha256, let index, let reason):
            return "chunk \(index) of file \(sha256) was refused: \(reason)"
        case .blobNotHere(let sha256):
            return "the bytes of file \(sha256) are not on this node yet: sync to fetch them"
        case .corruptRow(let table, let id):
            return "\(table) row \(id) is unreadable (bad id, field versions or log entry); the database may be damaged"
        }
    }
}

/// An error of a store that may pass if the request is sent again: a database restarting, a
/// connection cut. The hub answers it 503, as it answers a locked SQLite file.
public protocol TemporaryFailure: Error {
    var isTemporary: Bool { get }
}
