import Foundation
import TierSyncCore
import TierSyncStore

/// A record as JSON: `{"table":…,"id":…,"org":…,"deleted":false,"fields":{…}}`, with the
/// `created`/`updated` times when asked for.
public struct RecordDocument: Encodable, Sendable {
    public let table: String
    public let id: String
    public let org: String
    public let deleted: Bool
    public let created: String?
    public let updated: String?
    public let fields: [String: FieldValue]

    public init(_ record: StoredRecord, withTimes: Bool = true) {
        table = record.table
        id = record.id.rawValue
        org = record.org
        deleted = record.deleted
        created = withTimes ? record.created.isoTime : nil
        updated = withTimes ? record.updated.isoTime : nil
        fields = record.fields
    }

    /// JSON with sorted keys, so the same records always print the same bytes, and
    /// Chinese text left unescaped.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public func json(pretty: Bool = false) throws -> String {
        String(decoding: try Self.encoder(pretty: pretty).encode(self), as: UTF8.self)
    }
}
