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
        try Self.importSheet(sheet, kind: kind, encoding: encoding, options: options) { rows, report in
            try write { writer in
                let db = writer.db
                try rows(org.code, vocabulary).run(report: &report, reader: db, edit: { self.edit($0, db) }) { row in
                    try db.inSavepoint {
                        try row(&writer)
                        return .commit
                    }
                }
                if options.dryRun || (!report.refused.isEmpty && !options.skipBad) { throw ImportRollback() }
            }
        }
    }

    /// An import of `sheet` on either store: `write` runs the rows (`SheetImport`, made for
    /// the store's unit and vocabulary) in one transaction and throws `ImportRollback` to
    /// roll it back (a dry run, or refused rows).
    public static func importSheet(
        _ sheet: Sheet, kind: ImportKind, encoding: String?, options: ImportOptions,
        write: ((_ defaultOrg: String, Vocabulary) -> SheetImport, inout ImportReport) throws -> Void
    ) throws -> ImportReport {
        let columns = try ImportColumns(sheet: sheet, kind: kind)
        var report = ImportReport(
            kind: kind.rawValue, sheet: sheet.name, encoding: encoding, headerRow: columns.headerRow + 1,
            columns: columns.described, ignoredColumns: columns.ignored, dryRun: options.dryRun)
        do {
            try write(
                { org, vocabulary in
                    SheetImport(
                        sheet: sheet, kind: kind, columns: columns, options: options, defaultOrg: options.org ?? org,
                        vocabulary: vocabulary)
                }, &report)
            report.committed = true
        } catch is ImportRollback {
            report.committed = false
        }
        return report
    }

    /// Thrown to roll an import's transaction back (a dry run, or refused rows).
    public struct ImportRollback: Error {
        public init() {}
    }
}
