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

    /// One write transaction; the log entries it adds are attributed to `author`, if any.
    func write<T>(_ body: (inout ChangeWriter) throws -> T) throws -> T {
        try store.write { writer in
            guard let author else { return try body(&writer) }
            let before = try store.lastSequence(db: writer.db)
            let result = try body(&writer)
            let after = try store.lastSequence(db: writer.db)
            if after > before {
                try writer.db.execute(
                    sql: "INSERT INTO change_author (first_seq, last_seq, login, name) VALUES (?, ?, ?, ?)",
                    arguments: [before + 1, after, author.login, author.name])
            }
            return result
        }
    }

    /// The person who made the local edit logged at `seq`, when one was recorded.
    static func author(ofSeq seq: Int64, db: Database) throws -> Author? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT login, name FROM change_author
                WHERE first_seq = (SELECT max(first_seq) FROM change_author WHERE first_seq <= ?) AND last_seq >= ?
                """,
            arguments: [seq, seq]
        ).map { Author(login: $0["login"], name: $0["name"]) }
    }
}
