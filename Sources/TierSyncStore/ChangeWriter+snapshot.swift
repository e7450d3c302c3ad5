import GRDB
import TierSyncCore

extension ChangeWriter {
    /// Copies records received whole from the parent (a snapshot page), in this transaction.
    ///
    /// A record this node lacks, whose row checks out, is inserted as it is, versions and kept
    /// conflicts included, with no log entries: it came from the parent, so it never goes back
    /// up, and a child of this node that starts from nothing gets a snapshot of the tables too.
    /// A record this node already has, or one with a stamp too far ahead, is merged field by
    /// field like any remote change instead (`apply`), so a snapshot never overwrites an edit.
    ///
    /// - Returns: `records` counts the records copied whole; the rest is `apply`'s report.
    public mutating func insert(
        snapshot records: [RecordSnapshot], nodes: [NodeID: String] = [:], skewBound: Int64 = defaultSkewBound,
        directory known: PeerDirectory? = nil
    ) throws -> ApplyReport {
        var directory = try known ?? directory()
        for (peer, org) in nodes where peer != node && directory.learn(peer, org: org) {
            try PeerDirectory.store(peer, org: org, in: db)
        }
        var report = ApplyReport()
        let now = max(wallClock.nowMilliseconds(), clock.last.physical)
        var newest = HLCTimestamp.zero
        var merged: [FieldChange] = []
        // One prepared insert per table for the page: the statement cache would hash the SQL
        // text for every record.
        var inserts: [String: Statement] = [:]
        for record in records {
            let table: SyncedTable
            let stamp: HLCTimestamp
            switch record.copyCheck(tables: tables) {
            case .failure(let refusal):
                report.refused.append(refusal)
                continue
            case .success(let (checked, newestStamp)):
                table = checked
                stamp = newestStamp
            }
            if stamp.physical - now > skewBound {
                merged += record.changes() ?? []
                continue
            }
            let insert = try inserts[table.name] ?? db.makeStatement(sql: table.snapshotInsertSQL)
            inserts[table.name] = insert
            guard try copy(record, into: table, with: insert) else {
                merged += record.changes() ?? []  // the node has the record: merge, never overwrite
                continue
            }
            report.records += 1
            newest = max(newest, stamp)
        }
        if !merged.isEmpty { report.add(try apply(merged, skewBound: skewBound, directory: directory)) }
        if newest > clock.last { try observe(newest) }
        return report
    }

    /// Inserts the record's row and kept versions; false, with nothing written, when the node
    /// already has a record with its id.
    private func copy(_ record: RecordSnapshot, into table: SyncedTable, with insert: Statement) throws -> Bool {
        try insert.execute(binding: record.row(in: table))
        guard db.changesCount == 1 else { return false }
        for kept in record.keptConflicts { try kept.insert(db) }
        return true
    }
}
