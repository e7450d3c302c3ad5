import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// What checking a value may look up: the vocabulary, the org hierarchy and existing
/// records, all inside the transaction that will write it.
public struct ValidationContext {
    public let vocabulary: Vocabulary
    public let db: Database
    /// Milliseconds since the epoch, from the node's wall clock: for defaults such as
    /// "submitted now" or "confirmed today".
    public let now: Int64

    public func orgExists(_ code: String) throws -> Bool {
        try OrgUnit.exists(db, key: code)
    }

    public func liveRecordExists(table: String, id: RecordID) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM \(table) WHERE id = ? AND deleted = 0", arguments: [id.rawValue]) ?? false
    }

    /// Today's date in China Standard Time.
    public var today: String { DateTimeText.chinaDate(milliseconds: now) }

    /// Now, as a stored date-time.
    public var nowText: String {
        DateTimeText.format(Date(timeIntervalSince1970: Double(now) / 1000))
    }
}
