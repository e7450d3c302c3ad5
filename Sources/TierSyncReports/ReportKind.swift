/// The rollups of the consolidated view, one per question of DOMAIN.md ("What the
/// consolidated view must answer").
///
/// ```swift
/// ReportKind(rawValue: "coverage")?.title   // "应急预案覆盖情况"
/// ```
public enum ReportKind: String, CaseIterable, Sendable, Encodable {
    /// Which townships, villages and enterprises have no plan, or an unfiled or overdue one.
    case coverage
    /// Information officers, commanders per hazard, contacts not confirmed for months.
    case contacts
    /// Material reserves held, by category, reserve kind and org, and what was used.
    case reserves
    /// Drills and their participants per org and month.
    case drills
    /// Twice-monthly progress reports: on time, late or missing.
    case timeliness
    /// Tasks tracked to close-out: which are open past their deadline, by unit.
    case tasks

    /// The report's Chinese title, as the terminal, CSV and dashboard show it.
    public var title: String {
        switch self {
        case .coverage: return "应急预案覆盖情况"
        case .contacts: return "应急联络人员情况"
        case .reserves: return "应急物资储备情况"
        case .drills: return "应急演练开展情况"
        case .timeliness: return "进展报告报送情况"
        case .tasks: return "任务销号情况"
        }
    }

    /// The kinds as a list for error messages: `coverage, contacts, ...`.
    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
