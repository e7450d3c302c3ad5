import TierSyncStore

/// A file attached to a record (a plan's document, a drill's photo), as people see it: one
/// row of the synced `attachment` table, and whether its bytes are on this node yet.
public struct Attachment: Codable, Sendable, Equatable {
    public let id: String
    /// The kind of the record it belongs to (`plan`, `drill`…) and the record's id.
    public let kind: String
    public let record: String
    /// The org of the record, and so of the attachment.
    public let org: String
    public let name: String
    /// The media type (`application/pdf`, `image/jpeg`…).
    public let type: String
    public let size: Int
    public let sha256: String
    /// Every byte is here, checked against `sha256`; otherwise the next sync fetches it.
    public let here: Bool
    /// The parent said it has the whole file (it went up with a sync).
    public let sentUp: Bool

    /// The attachment in a row of `selection`.
    init(row: SQLRow) {
        let table: String = row[1]
        id = row[0]
        kind = RecordKind.all.first { $0.table == table }?.name ?? table
        record = row[2]
        org = row[3]
        name = row[4]
        type = row[5] as String? ?? MediaType.unknown
        size = row[6]
        sha256 = row[7]
        here = row[8] as Int != 0
        sentUp = row[9] as Int != 0
    }

    /// The columns `init(row:)` reads, over `join`.
    static let selection = """
        a.id, a.record_kind, a.record_id, a.org, a.name, a.media_type, a.size, a.sha256,
        coalesce(b.complete, 0), coalesce(b.sent_up, 0)
        """
    static let join = "attachment a LEFT JOIN blob b ON b.sha256 = a.sha256"

    /// The size for people: 2.4 MB, 830 KB, 120 B.
    public var sizeText: String {
        switch size {
        case ..<1_024: return "\(size) B"
        case ..<(1_024 * 1_024): return "\((size + 512) / 1_024) KB"
        default: return "\(Double(size * 10 / (1_024 * 1_024)) / 10) MB"
        }
    }
}
