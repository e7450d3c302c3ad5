import TierSyncCore

extension ReportOptions {
    /// Options from their text, as typed on a command line or sent in a query string; each
    /// bad value is refused naming it (as `name(option)` calls it) and what is allowed.
    ///
    /// ```swift
    /// let options = try ReportOptions(asOf: "2026-11-29", staleDays: nil, from: "2026-01",
    ///                                 through: nil, limit: "0") { "--" + $0 }
    /// ```
    public init(
        asOf: String?, staleDays: String?, from: String?, through: String?, limit: String?,
        name: (String) -> String = { $0 }
    ) throws {
        self.init()
        if let asOf {
            guard let date = CivilDate(parsing: asOf) else {
                throw ReportError.invalidOption(
                    name("as-of"), value: asOf, allowed: "a date YYYY-MM-DD, e.g. 2026-11-30")
            }
            self.asOf = date
        }
        if let staleDays {
            guard let days = Int(staleDays), (0...36_500).contains(days) else {
                throw ReportError.invalidOption(
                    name("stale-days"), value: staleDays, allowed: "a number of days, 0 to 36500")
            }
            staleAfterDays = days
        }
        if let limit {
            guard let rows = Int(limit), rows >= 0 else {
                throw ReportError.invalidOption(name("limit"), value: limit, allowed: "a number of rows, 0 for all")
            }
            detailLimit = rows == 0 ? nil : rows
        }
        func month(_ text: String, _ option: String) throws -> YearMonth {
            guard let month = YearMonth(parsing: text) else {
                throw ReportError.invalidOption(name(option), value: text, allowed: "a month YYYY-MM, e.g. 2026-06")
            }
            return month
        }
        if from != nil || through != nil {
            let last = try through.map { try month($0, "through") } ?? YearMonth(self.asOf)
            let first = try from.map { try month($0, "from") } ?? last
            guard first <= last else {
                throw ReportError.invalidOption(
                    name("from"), value: first.description,
                    allowed: "a month no later than \(name("through")) (\(last))")
            }
            months = first...last
        }
    }
}
