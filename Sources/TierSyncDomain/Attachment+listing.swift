import TierSyncCore
import TierSyncStore

extension Attachment {
    /// The live attachments a store holds, newest first, through either backend: of the record
    /// `record` only, or of the subtree of the org `org` only, when given; at most `limit`.
    ///
    /// ```swift
    /// let recent = try hub.readingRecords { try Attachment.list(under: "520201", limit: 20, in: $0) }
    /// ```
    ///
    /// - Throws: `DomainError.unknownOrg` when `org` is not in the store's org tree.
    public static func list(record: String? = nil, under org: String? = nil, limit: Int = .max, in db: any SQLReader)
        throws -> [Attachment]
    {
        var filter = ""
        var arguments: [FieldValue] = []
        if let record {
            filter += " AND a.record_id = ?"
            arguments.append(.text(record))
        }
        if let org {
            guard let unit = try OrgUnit.find(org, in: db) else { throw DomainError.unknownOrg(org) }
            filter += " AND a.org IN \(OrgUnit.subtreeCodes)"
            arguments += OrgUnit.subtreeValues(unit.path)
        }
        return try db.rows(
            """
            SELECT \(selection) FROM \(join)
            WHERE a.deleted = 0\(filter) ORDER BY a.created DESC, \(db.dialect.bytewise("a.id")) LIMIT ?
            """, arguments + [.integer(Int64(min(limit, Int(Int32.max))))]
        ).map(Attachment.init(row:))
    }
}
