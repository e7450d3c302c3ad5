import TierSyncCore
import TierSyncDomain
import TierSyncSpreadsheet
import TierSyncStore

/// Spreadsheet imports on a hub on PostgreSQL (a city's directory of its departments'
/// contacts, a province's reserve list): the same rows checked, skipped, updated and refused
/// as on a SQLite node (`SheetImport`), in one transaction holding the writer lock. Each row's
/// writes are held until it is done and sent before the next row, so a refused row leaves
/// nothing and the next rows see the records the earlier ones made.
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
                // The org units a sheet names, each read once: an import writes none.
                let units = UnitCache { code in try Self.orgUnit(code, session) }
                let edit = { (kind: RecordKind) in self.rules(kind, context, session, unit: units.unit) }
                let directory = try store.directory(session)
                var clock: HybridLogicalClock?
                // What the rows made, to name the acting person once for the whole import.
                var made: (first: HLCTimestamp, last: HLCTimestamp, org: String)?
                try rows(hubOrg.code, context.vocabulary).run(report: &report, reader: session, edit: edit) {
                    (row: (inout LocalEdit<PostgresMergeStorage>) throws -> Void) in
                    // A row's writes are held (the clock too) and sent after it, so a refused row
                    // has sent nothing and is merely dropped. Only a conflict row goes at once: an
                    // update settling kept versions, which only an import that updates makes (a
                    // new record has no version to conflict with). There a savepoint takes the
                    // row back; it costs a subtransaction, so only such an import pays for one.
                    if options.update { try session.query("SAVEPOINT import_row") }
                    var (writer, storage) = try writer(session, directory: directory, clock: clock, holdingAll: true)
                    do {
                        try row(&writer)
                        try storage.flush()
                        clock = writer.clock
                        if let row = writer.made {
                            made = (
                                min(made?.first ?? row.first, row.first), max(made?.last ?? row.last, row.last),
                                made?.org ?? row.org
                            )
                        }
                        if options.update { try session.query("RELEASE SAVEPOINT import_row") }
                    } catch {
                        if options.update {
                            // Taken back, the savepoint stays open until released.
                            try session.query("ROLLBACK TO SAVEPOINT import_row")
                            try session.query("RELEASE SAVEPOINT import_row")
                        } else if storage.wroteConflicts {
                            throw PostgresStoreError.rowNotUndone("\(error)")
                        }
                        throw error
                    }
                }
                if let made {
                    var (writer, storage) = try writer(session, directory: directory, clock: clock)
                    try nameAuthor(&writer, made: made)
                    try storage.flush()
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
        TierSyncNode.templateSheets(kind, vocabulary: vocabulary, units: try orgs(under: hubOrg.code))
    }

    /// The live records of `kinds`, a sheet each, with the headers an import takes back.
    public func exportSheets(_ kinds: [RecordKind] = RecordKind.editableKinds, under org: String? = nil) throws
        -> [Sheet]
    {
        try TierSyncNode.exportSheets(kinds, names: try orgNames(), vocabulary: vocabulary) {
            try list($0, under: org)
        }
    }
}

/// Org units by code, each read once.
private final class UnitCache {
    private var units: [String: OrgUnit?] = [:]
    private let read: (String) throws -> OrgUnit?

    init(read: @escaping (String) throws -> OrgUnit?) { self.read = read }

    func unit(_ code: String) throws -> OrgUnit? {
        if let known = units[code] { return known }
        let unit = try read(code)
        units[code] = .some(unit)
        return unit
    }
}
