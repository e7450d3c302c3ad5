import TierSyncCore
import TierSyncStore

extension ConflictView {
    /// What a person reviews of the kept version `row` beside `record` as it stands, on any
    /// store: nil when there is nothing to review here (the kept version is the value shown,
    /// or it is a pending amendment, which the approving level decides among the amendments).
    ///
    /// ```swift
    /// let views = rows.compactMap { row in ConflictView.review(row, record: records[row.record]!, directory: directory) }
    /// ```
    public static func review(_ row: ConflictRow, record: StoredRecord, directory: PeerDirectory) -> ConflictView? {
        let current = side(shownFor: row, record: record, directory: directory)
        if row.settledHlc == nil, row.kind == .concurrent, current.value == row.value { return nil }
        if row.settledHlc == nil, TierSyncNode.isPendingAmendment(row, record: record, directory: directory) {
            return nil
        }
        return ConflictView(
            id: row.id!, kind: row.kind.rawValue, table: row.tbl, record: row.record, recordOrg: row.org,
            field: row.field, current: current,
            other: .init(
                value: row.value, node: row.node, org: NodeID(row.node).flatMap(directory.org(ofNode:)),
                time: HLCTimestamp(rawValue: row.hlc).isoTime),
            needsReview: row.needsReview, detectedAt: ISOTimestamp.format(milliseconds: row.detectedAt),
            settled: row.settledHlc.map {
                .init(
                    node: row.settledNode ?? "",
                    org: row.settledNode.flatMap(NodeID.init).flatMap(directory.org(ofNode:)),
                    time: HLCTimestamp(rawValue: $0).isoTime, how: row.settlement ?? "")
            })
    }

    /// The side the record shows of the conflict `row` (for a delete conflict: its deletion).
    static func side(shownFor row: ConflictRow, record: StoredRecord, directory: PeerDirectory) -> Side {
        if row.kind == .deletedWhileEdited || row.field == FieldChange.deletedField {
            let version = record.versions[FieldChange.deletedField]
            return .init(
                value: .integer(record.deleted ? 1 : 0), node: version?.node.rawValue ?? "",
                org: version.flatMap { directory.org(ofNode: $0.node) }, time: version?.hlc.isoTime ?? "")
        }
        let version = record.version(of: row.field)
        return .init(
            value: record[row.field], node: version?.node.rawValue ?? "",
            org: version.flatMap { directory.org(ofNode: $0.node) }, time: version?.hlc.isoTime ?? "")
    }
}
