import Foundation
import TierSyncCore

/// Where the ids of the records an edit creates come from: random, unless a test binds a
/// seeded source for the task (`RecordEdit.$ids`), so that the same edits on two stores
/// make the same records, which it can then compare whole.
///
/// ```swift
/// try RecordEdit.$ids.withValue(RecordIDSource(seed: 7)) { try hub.recordStock(.receive, entry) }
/// ```
public final class RecordIDSource: @unchecked Sendable {
    private var random: SplitMix64
    private let lock = NSLock()

    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// The next id of the sequence.
    public func next() -> RecordID { lock.withLock { RecordID.random(using: &random) } }
}

extension RecordEdit {
    /// The seeded source this task's edits take ids from; nil (random ids) unless bound.
    @TaskLocal public static var ids: RecordIDSource?

    /// A new record's id: from the bound source, or random.
    public static func newRecordID() -> RecordID {
        if let ids { return ids.next() }
        var random = SystemRandomNumberGenerator()
        return RecordID.random(using: &random)
    }
}
