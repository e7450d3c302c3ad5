import Foundation
import TierSyncCore
import TierSyncStore

/// What checking a value may look up: the vocabulary, the org hierarchy and existing
/// records, all inside the transaction that will write it, on either store (`SQLReader`:
/// a SQLite node's `Database`, a PostgreSQL hub's session).
public struct ValidationContext {
    public let vocabulary: Vocabulary
    public let reader: any SQLReader
    /// Milliseconds since the epoch, from the node's wall clock: for defaults such as
    /// "submitted now" or "confirmed today".
    public let now: Int64

    public init(vocabulary: Vocabulary, reader: any SQLReader, now: Int64) {
        (self.vocabulary, self.reader, self.now) = (vocabulary, reader, now)
    }

    public func orgExists(_ code: String) throws -> Bool {
        try !reader.rows("SELECT 1 FROM org_unit WHERE code = ?", [.text(code)]).isEmpty
    }

    public func liveRecordExists(table: String, id: RecordID) throws -> Bool {
        try !reader.rows("SELECT 1 FROM \(table) WHERE id = ? AND deleted = 0", [.text(id.rawValue)]).isEmpty
    }

    /// Today's date in China Standard Time.
    public var today: String { DateTimeText.chinaDate(milliseconds: now) }

    /// Now, as a stored date-time.
    public var nowText: String {
        DateTimeText.format(Date(timeIntervalSince1970: Double(now) / 1000))
    }
}
