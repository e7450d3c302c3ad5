import TierSyncCore
import TierSyncSpreadsheet
import TierSyncStore

/// The rows of a spreadsheet imported as records, on either store: each row checked as the
/// CLI checks a record and written all or nothing within the import's transaction (by the
/// store's means: a savepoint on SQLite, held writes on PostgreSQL), duplicates of an earlier
/// row or of a record the store holds skipped or updated. Whether the whole commits is the
/// caller's (`ImportOptions`).
///
/// ```swift
/// // made by `TierSyncNode.importSheet(_:kind:encoding:options:write:)` for the store's unit
/// try rows.run(report: &report, reader: db, edit: { kind in edit(kind, db) }) { row in
///     try db.inSavepoint { try row(&writer); return .commit }
/// }
/// ```
public struct SheetImport {
    let sheet: Sheet
    let kind: ImportKind
    let columns: ImportColumns
    let options: TierSyncNode.ImportOptions
    /// The unit of rows that name none.
    let defaultOrg: String
    /// For the refusals' Chinese wording.
    let vocabulary: Vocabulary

    init(
        sheet: Sheet, kind: ImportKind, columns: ImportColumns, options: TierSyncNode.ImportOptions, defaultOrg: String,
        vocabulary: Vocabulary
    ) {
        (self.sheet, self.kind, self.columns, self.options) = (sheet, kind, columns, options)
        (self.defaultOrg, self.vocabulary) = (defaultOrg, vocabulary)
    }

    /// Imports every row into `report`.
    ///
    /// - Parameters:
    ///   - reader: reads in the import's transaction (the org names, the records held).
    ///   - edit: the rules of an edit of a kind in the import's transaction.
    ///   - runRow: runs a row's writes all or none, rethrowing what refused them.
    public func run<Writer: RecordWriting>(
        report: inout ImportReport, reader: any SQLReader, edit: @escaping (RecordKind) -> RecordEdit,
        runRow: ((inout Writer) throws -> Void) throws -> Void
    ) throws {
        let specs = Dictionary(uniqueKeysWithValues: kind.fields.map { ($0.field, $0) })
        let names = try orgCodesByName(reader)
        let existing = try existingKeys(reader)
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
                case .failure(let error): refusals.append(refusal(row, column, cell, error))
                }
            }
            let rowOrg = values.removeValue(forKey: ImportColumns.orgKey).map { names[$0] ?? $0 } ?? defaultOrg
            let id = values.removeValue(forKey: ImportColumns.idKey)
            guard refusals.isEmpty else {
                report.refused += refusals
                continue
            }
            do {
                try runRow { writer in
                    try importRow(
                        row: row, values: values, org: rowOrg, id: id, existing: existing, seen: &seen,
                        report: &report, edit: edit, writer: &writer)
                }
            } catch let error as DomainError {
                report.refused += issues(of: error, row: row, org: rowOrg)
            } catch let error as StoreError {
                report.refused.append(
                    .init(row: row, column: "", value: "", reason: "\(error)", chinese: "该行无法写入：\(error)"))
            }
        }
    }

    private func importRow(
        row: Int, values: [String: String], org rowOrg: String, id: String?, existing: [[FieldValue]: String],
        seen: inout [[FieldValue]: Int], report: inout ImportReport, edit: (RecordKind) -> RecordEdit,
        writer: inout some RecordWriting
    ) throws {
        guard let recordKind = kind.recordKind else {
            let event = try edit(.stockEvent).recordStock(.receive, stockEntry(values, org: rowOrg), writer: &writer)
            report.created.append(.init(row: row, id: event.id.rawValue, summary: values["item"] ?? ""))
            return
        }
        let rules = edit(recordKind)
        let parsed = try TierSyncNode.parse(
            recordKind, values, over: recordKind.defaults(rules.context), context: rules.context)
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
        if let existing = try existingRecord(recordKind, id: id, writer) ?? existing[key] {
            guard options.update else {
                report.duplicates.append(
                    .init(
                        row: row, reason: "already in the node as \(existing) (\(summary)); --update updates it",
                        chinese: "本节点已有相同记录（\(summary)），已跳过；选择“更新已有记录”可用此行更新它。",
                        existing: existing))
                return
            }
            let (record, changes) = try rules.set(id: existing, values: values, writer: &writer)
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
        let record = try rules.add(org: rowOrg, values: values, id: nil, writer: &writer)
        report.created.append(.init(row: row, id: record.id.rawValue, summary: summary))
    }

    /// The live record a row names by its id (记录编号).
    private func existingRecord(_ recordKind: RecordKind, id: String?, _ writer: some RecordWriting) throws -> String? {
        guard let id, let recordID = RecordID(id), let record = try writer.fetch(table: recordKind.table, id: recordID),
            !record.deleted
        else { return nil }
        return record.id.rawValue
    }

    /// The store's live records of the kind by natural key (unit, then the key fields), read
    /// once: a lookup per row would scan the table for every row.
    private func existingKeys(_ reader: any SQLReader) throws -> [[FieldValue]: String] {
        guard let recordKind = kind.recordKind else { return [:] }
        var keys: [[FieldValue]: String] = [:]
        let columns = (["id", "org"] + kind.naturalKey).joined(separator: ", ")
        try reader.forEachRow("SELECT \(columns) FROM \(recordKind.table) WHERE deleted = 0 ORDER BY created", []) {
            row in
            let key = Array(row.values.dropFirst())
            if keys[key] == nil { keys[key] = row[0] }
        }
        return keys
    }

    private func stockEntry(_ values: [String: String], org: String) -> TierSyncNode.StockEntry {
        var item: [String: String] = [:]
        for key in ["category", "unit", "reserve_kind", "custodian"] { item[key] = values[key] }
        return TierSyncNode.StockEntry(
            org: org, item: values["item"] ?? "", site: values["site"] ?? "", quantity: values["quantity"] ?? "",
            date: values["occurred_on"], note: values["note"], source: values["source"], newItem: item)
    }

    /// Unit codes by name, so that a column of unit names (大河镇) works like one of codes.
    private func orgCodesByName(_ reader: any SQLReader) throws -> [String: String] {
        var codes: [String: String] = [:]
        var repeated: Set<String> = []
        try reader.forEachRow("SELECT code, name FROM org_unit", []) { row in
            let (code, name): (String, String) = (row[0], row[1])
            if codes[name] != nil { repeated.insert(name) }
            codes[name] = code
        }
        for name in repeated { codes[name] = nil }  // ambiguous: the code is needed
        return codes
    }

    private func refusal(_ row: Int, _ column: Int, _ cell: Cell, _ error: DomainError) -> ImportReport.Refusal {
        .init(
            row: row, column: columnName(column), value: ImportColumns.text(cell), reason: error.description,
            chinese: error.chinese ?? error.description)
    }

    /// A refused row's issues, each at its column.
    private func issues(of error: DomainError, row: Int, org: String) -> [ImportReport.Refusal] {
        let issues = error.issues.isEmpty ? [nil] : error.issues.map(Optional.some)
        return issues.map { issue in
            let field = issue.map { $0.field == "org" ? ImportColumns.orgKey : $0.field }
            let column = columns.fields.first { $0.value == field }?.key
            let label = field.flatMap { FieldSpec.labels[$0] } ?? field ?? ""
            return .init(
                row: row, column: column.map(columnName) ?? "",
                value: issue?.value ?? (field == ImportColumns.orgKey ? org : ""),
                reason: issue?.english ?? error.description,
                chinese: issue?.chinese(label: label, vocabulary: vocabulary) ?? error.chinese ?? error.description)
        }
    }

    private func columnName(_ column: Int) -> String {
        "\(CellReference.letters(column)) (\(ImportColumns.text(sheet.cell(row: columns.headerRow, column: column))))"
    }
}
