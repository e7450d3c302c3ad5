import GRDB
import TierSyncCore
import TierSyncSpreadsheet
import TierSyncStore

/// Importing a spreadsheet of records: every row checked as the CLI checks a record, in one
/// transaction. A dry run lists what would be created, updated, skipped and refused, and
/// writes nothing; a real import writes all or nothing, or with `skipBad` the good rows.
extension TierSyncNode {
    public struct ImportOptions: Sendable {
        /// The unit of rows that name none (default: the node's own).
        public var org: String?
        public var dryRun = false
        /// Rows that are the same as a record the node has update it, instead of being skipped.
        public var update = false
        /// Import the good rows and report the rest, instead of nothing at all.
        public var skipBad = false

        public init(org: String? = nil, dryRun: Bool = false, update: Bool = false, skipBad: Bool = false) {
            (self.org, self.dryRun, self.update, self.skipBad) = (org, dryRun, update, skipBad)
        }
    }

    /// Imports `sheet` as records of `kind`.
    ///
    /// - Throws: `DomainError` when the sheet has no header row or merged header cells;
    ///   refused rows are in the report, not thrown.
    public func importSheet(
        _ sheet: Sheet, kind: ImportKind, encoding: String? = nil, options: ImportOptions
    ) throws -> ImportReport {
        let columns = try ImportColumns(sheet: sheet, kind: kind)
        var report = ImportReport(
            kind: kind.rawValue, sheet: sheet.name, encoding: encoding, headerRow: columns.headerRow + 1,
            columns: columns.described, ignoredColumns: columns.ignored, dryRun: options.dryRun)
        do {
            try write { writer in
                try importRows(sheet, kind: kind, columns: columns, options: options, report: &report, writer: &writer)
                if options.dryRun || (!report.refused.isEmpty && !options.skipBad) { throw ImportRollback() }
            }
            report.committed = true
        } catch is ImportRollback {
            report.committed = false
        }
        return report
    }

    /// Thrown to roll the import's transaction back (a dry run, or refused rows).
    private struct ImportRollback: Error {}

    private func importRows(
        _ sheet: Sheet, kind: ImportKind, columns: ImportColumns, options: ImportOptions, report: inout ImportReport,
        writer: inout ChangeWriter
    ) throws {
        let specs = Dictionary(uniqueKeysWithValues: kind.fields.map { ($0.field, $0) })
        let defaultOrg = options.org ?? org.code
        let names = try orgCodesByName(db: writer.db)
        let existing = try existingKeys(kind, db: writer.db)
        var seen: [[FieldValue]: Int] = [:]
        for index in (columns.headerRow + 1)..<sheet.rows.count where !sheet.rows[index].allSatisfy(\.isEmpty) {
            let row = index + 1
            var values: [String: String] = [:]
            var refusals: [ImportReport.Refusal] = []
            for (column, field) in columns.fields {
                let cell = sheet.cell(row: index, column: column)
                switch ImportCell.text(cell, for: specs[field]) {
                case .success(let text) where !text.isEmpty: values[field] = text
                case .success: break
                case .failure(let error):
                    refusals.append(refusal(row, column, sheet, columns, cell, error))
                }
            }
            let rowOrg = values.removeValue(forKey: ImportColumns.orgKey).map { names[$0] ?? $0 } ?? defaultOrg
            let id = values.removeValue(forKey: ImportColumns.idKey)
            guard refusals.isEmpty else {
                report.refused += refusals
                continue
            }
            do {
                try writer.db.inSavepoint {
                    try importRow(
                        kind, row: row, values: values, org: rowOrg, id: id, options: options, existing: existing,
                        seen: &seen,
                        report: &report, writer: &writer)
                    return .commit
                }
            } catch let error as DomainError {
                report.refused += issues(
                    of: error, row: row, values: values, org: rowOrg, sheet: sheet, columns: columns)
            } catch let error as StoreError {
                report.refused.append(
                    .init(row: row, column: "", value: "", reason: "\(error)", chinese: "该行无法写入：\(error)"))
            }
        }
    }

    private func importRow(
        _ kind: ImportKind, row: Int, values: [String: String], org rowOrg: String, id: String?,
        options: ImportOptions, existing: [[FieldValue]: String], seen: inout [[FieldValue]: Int],
        report: inout ImportReport,
        writer: inout ChangeWriter
    ) throws {
        guard let recordKind = kind.recordKind else {
            let event = try recordStock(.receive, stockEntry(values, org: rowOrg), writer: &writer)
            report.created.append(.init(row: row, id: event.id.rawValue, summary: values["item"] ?? ""))
            return
        }
        let parsed = try Self.parse(
            recordKind, values, over: recordKind.defaults(context(writer.db)), context: context(writer.db))
        let key = [FieldValue.text(rowOrg)] + kind.naturalKey.map { parsed[$0] ?? .null }
        let summary = kind.naturalKey.map { parsed[$0]?.description ?? "" }.joined(separator: " ")
        if let earlier = seen[key] {
            report.duplicates.append(
                .init(
                    row: row, reason: "the same \(kind.rawValue) as row \(earlier) (\(summary))",
                    chinese: "与第 \(earlier) 行重复（\(summary)），已跳过。", existing: nil))
            return
        }
        seen[key] = row
        if let existing = try existingRecord(recordKind, id: id, writer: &writer) ?? existing[key] {
            guard options.update else {
                report.duplicates.append(
                    .init(
                        row: row, reason: "already in the node as \(existing) (\(summary)); --update updates it",
                        chinese: "本节点已有相同记录（\(summary)），已跳过；选择“更新已有记录”可用此行更新它。",
                        existing: existing))
                return
            }
            let (record, changes) = try set(recordKind, id: existing, values: values, writer: &writer)
            if changes.isEmpty {
                report.duplicates.append(
                    .init(
                        row: row, reason: "already in the node as \(existing) with the same values (\(summary))",
                        chinese: "本节点已有完全相同的记录（\(summary)），无需更新。", existing: existing))
            } else {
                report.updated.append(.init(row: row, id: record.id.rawValue, summary: summary))
            }
            return
        }
        let record = try add(recordKind, org: rowOrg, values: values, writer: &writer)
        report.created.append(.init(row: row, id: record.id.rawValue, summary: summary))
    }

    /// The live record a row names by its id (记录编号).
    private func existingRecord(_ recordKind: RecordKind, id: String?, writer: inout ChangeWriter) throws -> String? {
        guard let id, let recordID = RecordID(id), let record = try fetch(recordKind, recordID, db: writer.db),
            !record.deleted
        else { return nil }
        return record.id.rawValue
    }

    /// The node's live records of `kind` by natural key (unit, then the key fields), read once:
    /// a lookup per row would scan the table for every row.
    private func existingKeys(_ kind: ImportKind, db: Database) throws -> [[FieldValue]: String] {
        guard let recordKind = kind.recordKind else { return [:] }
        var keys: [[FieldValue]: String] = [:]
        let columns = (["id", "org"] + kind.naturalKey).joined(separator: ", ")
        let rows = try Row.fetchCursor(
            db, sql: "SELECT \(columns) FROM \(recordKind.table) WHERE deleted = 0 ORDER BY created")
        while let row = try rows.next() {
            let key = (1..<row.count).map { FieldValue.fromDatabaseValue(row[$0]) ?? .null }
            if keys[key] == nil { keys[key] = row[0] }
        }
        return keys
    }

    private func stockEntry(_ values: [String: String], org: String) -> StockEntry {
        var item: [String: String] = [:]
        for key in ["category", "unit", "reserve_kind", "custodian"] { item[key] = values[key] }
        return StockEntry(
            org: org, item: values["item"] ?? "", site: values["site"] ?? "", quantity: values["quantity"] ?? "",
            date: values["occurred_on"], note: values["note"], source: values["source"], newItem: item)
    }

    /// Unit codes by name, so that a column of unit names (大河镇) works like one of codes.
    private func orgCodesByName(db: Database) throws -> [String: String] {
        var codes: [String: String] = [:]
        var repeated: Set<String> = []
        for unit in try OrgUnit.fetchAll(db) {
            if codes[unit.name] != nil { repeated.insert(unit.name) }
            codes[unit.name] = unit.code
        }
        for name in repeated { codes[name] = nil }  // ambiguous: the code is needed
        return codes
    }

    private func refusal(
        _ row: Int, _ column: Int, _ sheet: Sheet, _ columns: ImportColumns, _ cell: Cell, _ error: DomainError
    ) -> ImportReport.Refusal {
        .init(
            row: row, column: columnName(column, sheet, columns), value: ImportColumns.text(cell),
            reason: error.description, chinese: error.chinese ?? error.description)
    }

    /// A refused row's issues, each at its column.
    private func issues(
        of error: DomainError, row: Int, values: [String: String], org: String, sheet: Sheet, columns: ImportColumns
    ) -> [ImportReport.Refusal] {
        let issues = error.issues.isEmpty ? [nil] : error.issues.map(Optional.some)
        return issues.map { issue in
            let field = issue.map { $0.field == "org" ? ImportColumns.orgKey : $0.field }
            let column = columns.fields.first { $0.value == field }?.key
            let label = field.flatMap { FieldSpec.labels[$0] } ?? field ?? ""
            return .init(
                row: row, column: column.map { columnName($0, sheet, columns) } ?? "",
                value: issue?.value ?? (field == ImportColumns.orgKey ? org : ""),
                reason: issue?.english ?? error.description,
                chinese: issue?.chinese(label: label, vocabulary: vocabulary) ?? error.chinese ?? error.description)
        }
    }

    private func columnName(_ column: Int, _ sheet: Sheet, _ columns: ImportColumns) -> String {
        "\(CellReference.letters(column)) (\(ImportColumns.text(sheet.cell(row: columns.headerRow, column: column))))"
    }
}
