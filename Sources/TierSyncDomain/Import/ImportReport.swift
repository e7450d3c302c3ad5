/// What an import did, or would do on a dry run: the columns it recognized, every row it
/// created or updated, each duplicate it skipped, and each refusal (row, column, value,
/// reason).
public struct ImportReport: Codable, Sendable {
    public struct Column: Codable, Sendable, Equatable {
        /// The spreadsheet column, `C`.
        public let column: String
        public let header: String
        /// The field key it fills (`phone`), `org` or `id`.
        public let field: String
    }

    public struct Row: Codable, Sendable, Equatable {
        /// The row number as the spreadsheet shows it (1 for the first).
        public let row: Int
        /// The record's id (a new one's is not kept on a dry run).
        public let id: String
        public let summary: String
    }

    public struct Duplicate: Codable, Sendable, Equatable {
        public let row: Int
        /// Why: the same as an earlier row of the file, or as a record the node has.
        public let reason: String
        public let chinese: String
        public let existing: String?
    }

    public struct Refusal: Codable, Sendable, Equatable {
        public let row: Int
        /// `C (手机号)`, or empty for a refusal of the whole row.
        public let column: String
        public let value: String
        public let reason: String
        public let chinese: String
    }

    public let kind: String
    public let sheet: String
    /// `UTF-8` or `GB18030` for a CSV file; nil for XLSX.
    public let encoding: String?
    /// The header row's number; rows above it were titles, left out.
    public let headerRow: Int
    public let columns: [Column]
    /// Headers of columns no field takes: left out.
    public let ignoredColumns: [String]
    public var created: [Row] = []
    public var updated: [Row] = []
    public var duplicates: [Duplicate] = []
    public var refused: [Refusal] = []
    public let dryRun: Bool
    /// True when the import was written; false on a dry run, and when rows were refused
    /// without `skipBad` (nothing is written then).
    public var committed = false
}
