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
        var directory = try known ?? PeerDirectory(db: db)
        for (peer, org) in nodes where peer != node { try directory.register(peer, org: org, in: db) }
        var report = ApplyReport()
        let now = max(wallClock.nowMilliseconds(), clock.last.physical)
        var newest = HLCTimestamp.zero
        var merged: [FieldChange] = []
        for record in records {
            let table: SyncedTable
            let stamp: HLCTimestamp
            switch checkCopy(record) {
            case .failure(let refusal):
                report.refused.append(
                    .init(table: record.table, record: record.id.rawValue, field: "*", node: "", reason: refusal.reason))
                continue
            case .success(let (checked, newestStamp)):
                table = checked
                stamp = newestStamp
            }
            let exists = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM \(table.name) WHERE id = ?"), arguments: [record.id.rawValue])
            if exists == true || stamp.physical - now > skewBound {
                merged += record.changes() ?? []
                continue
            }
            try copy(record, into: table)
            report.records += 1
            newest = max(newest, stamp)
        }
        if !merged.isEmpty { report.add(try apply(merged, skewBound: skewBound, directory: directory)) }
        if newest > clock.last { try observe(newest) }
        return report
    }

    private func copy(_ record: RecordSnapshot, into table: SyncedTable) throws {
        var arguments: [FieldValue] = [
            .text(record.id.rawValue), .text(record.org), .integer(record.created.rawValue),
            .integer(record.updated.rawValue), .integer(record.deleted ? 1 : 0), .text(record.versions),
        ]
        arguments.reserveCapacity(arguments.count + table.fields.count)
        for field in table.fields {
            arguments.append(record.fields[field.name].map { table.normalized($0, for: field) } ?? .null)
        }
        try db.cachedStatement(sql: table.snapshotInsertSQL).execute(binding: arguments)
        for kept in record.kept {
            try ConflictRow(
                kind: ConflictRow.Kind(rawValue: kept.kind)!, table: record.table, record: record.id, org: record.org,
                field: kept.field, kept: kept.versioned, detectedAt: kept.detectedAt, needsReview: kept.needsReview
            ).insert(db)
        }
    }

    /// The record's table and newest stamp when its row can be copied as it is; why not
    /// otherwise. Everything a field-by-field merge would check is checked here, once per row.
    private func checkCopy(_ record: RecordSnapshot) -> Result<(SyncedTable, HLCTimestamp), Refusal> {
        guard let table = tables[record.table] else {
            return .failure(.init(reason: "unknown table '\(record.table)'"))
        }
        guard (1...32).contains(record.org.utf8.count), record.org.utf8.allSatisfy(Self.isCodeByte) else {
            return .failure(.init(reason: "org '\(record.org)' is not an org code"))
        }
        guard let versions = FieldVersions(parsing: record.versions) else {
            return .failure(.init(reason: "its versions are malformed"))
        }
        for (name, value) in record.fields {
            guard let field = table.field(named: name) else {
                return .failure(.init(reason: "unknown field '\(name)' for \(table.name)"))
            }
            if let expected = field.mismatch(value) {
                return .failure(.init(reason: "field \(name) holds \(expected), not '\(value)'"))
            }
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
            guard ConflictRow.Kind(rawValue: kept.kind) != nil, kept.field == FieldChange.deletedField
                || table.field(named: kept.field) != nil
            else {
                return .failure(.init(reason: "a kept version of field '\(kept.field)' is not a kind of conflict"))
            }
        }
        return .success((table, newest))
    }
}
