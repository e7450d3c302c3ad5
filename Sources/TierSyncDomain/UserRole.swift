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

    /// A role by its key (`clerk`) or its Chinese name (`填报员`).
    public init?(parsing text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let role = Self(rawValue: text.lowercased()) ?? Self.allCases.first(where: { $0.chineseName == text })
        else { return nil }
        self = role
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
