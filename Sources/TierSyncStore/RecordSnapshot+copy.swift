import TierSyncCore

/// A record received whole from the parent (a snapshot page), as a node copies it: checked
/// once per row, then written as it is, versions and kept conflicts included. The same on
/// every store (`ChangeWriter.insert(snapshot:)`, `PostgresHub.acceptSnapshot`).
extension RecordSnapshot {
    /// The record's table and newest stamp when its row can be copied as it is; why not
    /// otherwise. Everything a field-by-field merge would check is checked here, once per row.
    public func copyCheck(tables: [String: SyncedTable]) -> Result<(SyncedTable, HLCTimestamp), ApplyReport.Refusal> {
        check(tables: tables).mapError { refusal in
            .init(table: table, record: id.rawValue, field: "*", node: "", reason: refusal.reason)
        }
    }

    private func check(tables: [String: SyncedTable]) -> Result<(SyncedTable, HLCTimestamp), ChangeCheck.Refusal> {
        let record = self
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

    /// The row's columns, `SyncedTable.bookkeepingColumns` then the table's fields in schema
    /// order, each value normalized as a write stores it.
    public func row(in table: SyncedTable) -> [FieldValue] {
        var row: [FieldValue] = [
            .text(id.rawValue), .text(org), .integer(created.rawValue), .integer(updated.rawValue),
            .integer(deleted ? 1 : 0), .text(versions),
        ]
        row.reserveCapacity(row.count + table.fields.count)
        // Senders list fields in the table's order: a cursor finds each in one step.
        var next = 0
        for field in table.fields {
            var value = FieldValue.null
            if next < fields.count, fields[next].name == field.name {
                value = fields[next].value
                next += 1
            } else if let found = fields.first(where: { $0.name == field.name }) {
                value = found.value
            }
            row.append(table.normalized(value, for: field))
        }
        return row
    }

    /// The versions the record keeps for review, as conflict rows (`copyCheck` checked their kinds).
    public var keptConflicts: [ConflictRow] {
        kept.compactMap { kept in
            ConflictRow.Kind(rawValue: kept.kind).map { kind in
                ConflictRow(
                    kind: kind, table: table, record: id, org: org, field: kept.field, kept: kept.versioned,
                    detectedAt: kept.detectedAt, needsReview: kept.needsReview)
            }
        }
    }
}

/// A record or change refused alone, as a failure (`RecordSnapshot.copyCheck`).
extension ApplyReport.Refusal: Error {}
