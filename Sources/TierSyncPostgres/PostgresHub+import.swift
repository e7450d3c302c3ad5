import TierSyncDomain
import TierSyncSpreadsheet
import TierSyncStore

/// Spreadsheet imports on a hub on PostgreSQL (a city's directory of its departments'
/// contacts, a province's reserve list): the same rows checked, skipped, updated and refused
/// as on a SQLite node (`SheetImport`), in one transaction holding the writer lock. Each row
/// is written in a savepoint and sent before the next, so a refused row leaves nothing and
/// the next rows see the records the earlier ones made.
///
/// ```swift
/// let (sheet, encoding) = try SheetFile.read(path: "联系人.xlsx", sheet: nil)
/// let report = try city.importSheet(sheet, kind: .contact, encoding: encoding, options: .init(skipBad: true))
/// ```
extension PostgresHub {
    /// Imports `sheet` as records of `kind`.
    ///
    /// - Throws: `DomainError` when the sheet has no header row or merged header cells;
    ///   refused rows are in the report, not thrown.
    public func importSheet(
        _ sheet: Sheet, kind: ImportKind, encoding: String? = nil, options: TierSyncNode.ImportOptions
    ) throws -> ImportReport {
        try TierSyncNode.importSheet(sheet, kind: kind, encoding: encoding, options: options) { rows, report in
            try store.write { session in
                let context = try context(session)
                let edit = { (kind: RecordKind) in self.rules(kind, context, session) }
                let directory = try store.directory(session)
                try rows(hubOrg.code, context.vocabulary).run(report: &report, reader: session, edit: edit) {
                    (row: (inout LocalEdit<PostgresMergeStorage>) throws -> Void) in
                    try session.query("SAVEPOINT import_row")
                    do {
                        var (writer, storage) = try writer(session, directory: directory)
                        try row(&writer)
                        try storage.flush()
                        try session.query("RELEASE SAVEPOINT import_row")
                    } catch {
                        try session.query("ROLLBACK TO SAVEPOINT import_row")
                        throw error
                    }
                }
                if options.dryRun || (!report.refused.isEmpty && !options.skipBad) {
                    throw TierSyncNode.ImportRollback()
                }
            }
        }
    }
}

extension PostgresHub {
    /// The import template of `kind`: its headers, and the allowed values of its vocabulary
    /// columns and of the units (this hub's subtree) a row may name.
    public func templateSheets(_ kind: ImportKind) throws -> [Sheet] {
        TierSyncNode.templateSheets(kind, vocabulary: try vocabulary(), units: try orgs(under: hubOrg.code))
    }

    /// The live records of `kinds`, a sheet each, with the headers an import takes back.
    public func exportSheets(_ kinds: [RecordKind] = RecordKind.editableKinds, under org: String? = nil) throws
        -> [Sheet]
    {
        try TierSyncNode.exportSheets(kinds, names: try orgNames(), vocabulary: try vocabulary()) {
            try list($0, under: org)
        }
    }
}
