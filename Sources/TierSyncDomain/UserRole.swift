/// What a person may do on a node, inside their org's subtree.
///
/// ```swift
/// UserRole(parsing: "reviewer")?.maySettleConflicts   // true
/// ```
public enum UserRole: String, Codable, Sendable, CaseIterable {
    /// Enters and edits records.
    case clerk
    /// Also settles conflicts.
    case reviewer
    /// Also manages accounts, enrollment codes and the parent link.
    case admin

    public init?(parsing text: String) {
        self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
        if let match = Self.allCases.first(where: { $0.chineseName == text }) { self = match }
    }

    public var chineseName: String {
        switch self {
        case .clerk: return "填报员"
        case .reviewer: return "审核员"
        case .admin: return "管理员"
        }
    }

    public var maySettleConflicts: Bool { self != .clerk }
    public var mayAdminister: Bool { self == .admin }
}
