import TierSyncStore

/// A page of a record list as people ask for it: a unit's subtree, a search, filters on
/// vocabulary fields, a sort and a window.
///
/// ```swift
/// let page = try node.records(.contact, RecordQuery(search: "王", filters: ["role": "information-officer"]))
/// page.total   // how many match, whatever the window
/// ```
public struct RecordQuery: Sendable, Equatable {
    /// The unit whose subtree is listed (default: the node's own).
    public var org: String?
    /// Text to look for in the kind's searchable fields (name, phone, title…).
    public var search: String?
    /// Field key → stored value (a vocabulary key), all of which must match.
    public var filters: [String: String]
    /// A field key, `org` or `updated` (default: `updated`, newest first).
    public var sort: String?
    public var descending: Bool
    public var offset: Int
    public var limit: Int
    public var includeDeleted: Bool
    /// The unit's own subtree, what upper levels share down to it, or both.
    public var source: Source

    public enum Source: String, Sendable, Equatable, CaseIterable {
        case own, shared, all
    }

    public init(
        org: String? = nil, search: String? = nil, filters: [String: String] = [:], sort: String? = nil,
        descending: Bool = true, offset: Int = 0, limit: Int = 50, includeDeleted: Bool = false,
        source: Source = .own
    ) {
        (self.org, self.search, self.filters, self.sort, self.descending) = (org, search, filters, sort, descending)
        (self.offset, self.limit, self.includeDeleted, self.source) = (offset, limit, includeDeleted, source)
    }
}

/// One window of a record list and how many records match in all.
public struct RecordPage: Sendable {
    public let records: [StoredRecord]
    public let total: Int

    public init(records: [StoredRecord], total: Int) { (self.records, self.total) = (records, total) }
}

extension RecordKind {
    /// The fields a list's search box looks in.
    public var searchFields: [String] {
        switch name {
        case "contact": return ["name", "phone", "post"]
        case "report": return ["period", "body"]
        case "task": return ["title", "note"]
        default: return fields.contains { $0.field == "title" } ? ["title"] : []
        }
    }

    /// The fields a list can be filtered by: the single vocabulary terms.
    public var filterFields: [FieldSpec] {
        fields.filter { if case .term = $0.type { return true } else { return false } }
    }
}
