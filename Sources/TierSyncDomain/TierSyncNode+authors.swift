import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Who made an edit: the person signed in to the web interface. Recorded beside the local
/// log entries of their writes (`change_author`), so a record's history names them.
public struct Author: Sendable, Equatable, Codable {
    public let login: String
    public let name: String

    public init(login: String, name: String) {
        self.login = login
        self.name = name
    }
}

extension TierSyncNode {
    /// The same node, writing for `author` inside `scope` (their org's subtree, at or below
    /// the node's): every record it adds, edits, deletes or settles is attributed to them,
    /// and a write outside `scope` is refused like one outside the node.
    ///
    /// ```swift
    /// try node.acting(as: Author(login: "wang", name: "示例·王一"), within: township).add(.contact, values: values)
    /// ```
    public func acting(as author: Author, within scope: OrgUnit) -> TierSyncNode {
        TierSyncNode(
            store: store, vocabulary: vocabulary, org: org, author: author,
            writeScope: org.contains(scope) ? scope : org)
    }

    /// One write transaction; the log entries it adds are attributed to `author`, if any,
    /// by an `edit_author` record in the same transaction, which syncs like the records.
    func write<T>(_ body: (inout ChangeWriter) throws -> T) throws -> T {
        try store.write { writer in
            guard let author else { return try body(&writer) }
            let before = try store.lastSequence(db: writer.db)
            let result = try body(&writer)
            guard
                let row = try Row.fetchOne(
                    writer.db,
                    sql: """
                        SELECT min(hlc) AS first, max(hlc) AS last,
                            (SELECT org FROM change_log_row WHERE seq > ? ORDER BY seq LIMIT 1) AS org
                        FROM change_log_row WHERE seq > ?
                        """,
                    arguments: [before, before]),
                let first: Int64 = row["first"], let last: Int64 = row["last"], let org: String = row["org"]
            else { return result }
            var random = SystemRandomNumberGenerator()
            try writer.insert(
                table: Self.authorTable, id: RecordID.random(using: &random), org: org,
                fields: [
                    "node": .text(store.node.id.rawValue), "first_hlc": .integer(first), "last_hlc": .integer(last),
                    "login": .text(author.login), "name": .text(author.name),
                ])
            return result
        }
    }

    static let authorTable = "edit_author"

    /// The person who made `node`'s edit stamped `hlc`, when it was made for one.
    static func author(node: String, hlc: Int64, db: Database) throws -> Author? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT login, name FROM edit_author
                WHERE node = ? AND first_hlc <= ? AND last_hlc >= ? AND deleted = 0
                ORDER BY first_hlc DESC LIMIT 1
                """,
            arguments: [node, hlc, hlc]
        ).map { Author(login: $0["login"], name: $0["name"]) }
    }
}
