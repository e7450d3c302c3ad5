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
                fields: Self.authorFields(author, node: store.node.id, first: first, last: last))
            return result
        }
    }

    /// The table that names the people who made edits; it syncs like the records.
    public static let authorTable = "edit_author"

    /// The fields of the `edit_author` record naming `author` for `node`'s edits stamped
    /// `first` through `last`.
    public static func authorFields(_ author: Author, node: NodeID, first: Int64, last: Int64) -> [String: FieldValue] {
        [
            "node": .text(node.rawValue), "first_hlc": .integer(first), "last_hlc": .integer(last),
            "login": .text(author.login), "name": .text(author.name),
        ]
    }
}
