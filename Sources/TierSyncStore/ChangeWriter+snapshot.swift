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
            switch checkCopy(record) {
            case .failure(let refusal):
                report.refused.append(
                    .init(table: record.table, record: record.id.rawValue, field: "*", node: "", reason: refusal.reason)
                )
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
        var arguments: [FieldValue] = [
            .text(record.id.rawValue), .text(record.org), .integer(record.created.rawValue),
            .integer(record.updated.rawValue), .integer(record.deleted ? 1 : 0), .text(record.versions),
        ]
        arguments.reserveCapacity(arguments.count + table.fields.count)
        // Senders list fields in the table's order: a cursor finds each in one step.
        var next = 0
        for field in table.fields {
            var value = FieldValue.null
            if next < record.fields.count, record.fields[next].name == field.name {
                value = record.fields[next].value
                next += 1
            } else if let found = record.fields.first(where: { $0.name == field.name }) {
                value = found.value
            }
            arguments.append(table.normalized(value, for: field))
        }
        try insert.execute(binding: arguments)
        guard db.changesCount == 1 else { return false }
        for kept in record.kept {
            try ConflictRow(
                kind: ConflictRow.Kind(rawValue: kept.kind)!, table: record.table, record: record.id, org: record.org,
                field: kept.field, kept: kept.versioned, detectedAt: kept.detectedAt, needsReview: kept.needsReview
            ).insert(db)
        }
        return true
    }

    /// The record's table and newest stamp when its row can be copied as it is; why not
    /// otherwise. Everything a field-by-field merge would check is checked here, once per row.
    private func checkCopy(_ record: RecordSnapshot) -> Result<(SyncedTable, HLCTimestamp), ChangeCheck.Refusal> {
        guard let table = tables[record.table] else {
            return .failure(.init(reason: "unknown table '\(record.table)'"))
        }
        if let refusal = ChangeCheck.orgRefusal(record.org) { return .failure(refusal) }
        guard let versions = FieldVersions(parsing: record.versions) else {
            return .failure(.init(reason: "its versions are malformed"))
        }
        for (index, (name, value)) in record.fields.lazy.map({ ($0.name, $0.value) }).enumerated() {
            // A dozen fields at most: comparing beats hashing into a set, per record.
            if record.fields[..<index].contains(where: { $0.name == name }) {
                return .failure(.init(reason: "field \(name) is listed twice"))
            }
            guard let field = table.field(named: name) else {
                return .failure(.init(reason: "unknown field '\(name)' for \(table.name)"))
            }
            if let refusal = ChangeCheck.valueRefusal(field, value) { return .failure(refusal) }
            if !value.isNull, versions.version(of: name, isSet: true) == nil {
                return .failure(.init(reason: "field \(name) has a value but no version"))
            }
        }
        for name in versions.byField.keys where name != FieldChange.deletedField && table.field(named: name) == nil {
            return .failure(.init(reason: "a version names unknown field '\(name)'"))
        }
        if record.deleted, versions[FieldChange.deletedField] == nil {
            return .failure(.init(reason: "it is marked deleted without a version of the delete"))
        }
        var newest = max(record.created, record.updated)
        for version in (versions.initial.map { [$0] } ?? []) + Array(versions.byField.values)
            + record.kept.map(\.versioned.version)
        {
            guard version.versionVector[version.node] > 0 else {
                return .failure(.init(reason: "a version vector does not count its own node \(version.node)"))
            }
            newest = max(newest, version.hlc)
        }
        for kept in record.kept {
            guard ConflictRow.Kind(rawValue: kept.kind) != nil,
                kept.field == FieldChange.deletedField
                    || table.field(named: kept.field) != nil
            else {
                return .failure(.init(reason: "a kept version of field '\(kept.field)' is not a kind of conflict"))
            }
        }
        return .success((table, newest))
    }
}
