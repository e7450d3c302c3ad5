import GRDB
import TierSyncCore

/// Changes of a later release, kept opaque (`opaque_change`), applied once this node runs a
/// release that knows their tables and fields.
extension NodeStore {
    /// Every change kept opaque, in log order, read in `db`.
    public func opaqueChanges(db: Database) throws -> [FieldChange] {
        try Row.fetchAll(db, sql: "SELECT l.* FROM \(Self.opaqueJoin) ORDER BY l.seq").flatMap {
            try ChangeLogEntry.entries(of: $0).map(\.change)
        }
    }

    /// `opaque_change o` joined with the log rows `l` it names. A change kept opaque is logged
    /// in a row of its own, even when it came with other fields of its write (`RemoteMerge`).
    static let opaqueJoin = """
        opaque_change o JOIN change_log_row l
          ON l.tbl = o.tbl AND l.record = o.record AND l.field = o.field AND l.node = o.node AND l.hlc = o.hlc
          AND l.n = 1
        """

    /// Applies the opaque changes whose table and field this release knows (it was upgraded
    /// since they arrived), in one transaction: each leaves the opaque set and its old log
    /// entry, and is applied as if it had just arrived, so it merges and is logged anew
    /// (peers that have it already take it as known).
    ///
    /// - Returns: how many changes were applied.
    @discardableResult
    public func applyOpaqueNowKnown() throws -> Int {
        let known = try read { db -> [FieldChange] in
            var changes: [FieldChange] = []
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT l.* FROM \(Self.opaqueJoin) ORDER BY l.seq")
            while let row = try rows.next() {
                for change in try ChangeLogEntry.entries(of: row).map(\.change) {
                    guard let table = tables[change.table],
                        change.field == FieldChange.deletedField || table.field(named: change.field) != nil
                    else { continue }
                    changes.append(change)
                }
            }
            return changes
        }
        guard !known.isEmpty else { return 0 }
        try write { writer in
            for change in known {
                let key: StatementArguments = [
                    change.table, change.record.rawValue, change.field, change.node.rawValue, change.hlc.rawValue,
                ]
                try writer.db.execute(
                    sql:
                        "DELETE FROM opaque_change WHERE tbl = ? AND record = ? AND field = ? AND node = ? AND hlc = ?",
                    arguments: key)
                try writer.db.execute(
                    sql:
                        "DELETE FROM change_log_row WHERE tbl = ? AND record = ? AND field = ? AND node = ? AND hlc = ? AND n = 1",
                    arguments: key)
            }
            _ = try writer.apply(known, skewBound: .max)
        }
        logger.info("applied changes kept from a later release", metadata: ["changes": "\(known.count)"])
        return known.count
    }
}
