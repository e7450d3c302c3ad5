import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// How stored values read on a page: vocabulary keys as their Chinese names, org codes as
/// unit names, plan ids as plan titles.
struct ValueText: Sendable {
    let vocabulary: Vocabulary
    let orgNames: [String: String]
    let planTitles: [String: String]

    func text(_ value: FieldValue, _ spec: FieldSpec?) -> String {
        guard let spec, value != .null else { return value.description }
        switch spec.type {
        case .term(let kind):
            return vocabulary.name(of: value.description, kind: kind)
        case .terms(let kind):
            return value.description.split(separator: ",").map { vocabulary.name(of: String($0), kind: kind) }
                .joined(separator: "、")
        case .org:
            return orgName(value.description)
        case .reference(let table) where table == "plan":
            return planTitles[value.description] ?? value.description
        case .dateTime:
            return ChinaTime.display(value.description)
        default:
            return value.description
        }
    }

    func orgName(_ code: String) -> String { orgNames[code] ?? code }

    /// What a form's input holds for a stored value (keys stay keys: the options carry names).
    /// Times keep their seconds, so that saving a form unchanged changes nothing.
    static func input(_ value: FieldValue, _ spec: FieldSpec) -> String {
        if spec.type == .dateTime, value != .null { return ChinaTime.display(value.description, seconds: true) }
        return value.description
    }
}

/// The columns a list shows for each kind, after which come the unit and the last change.
extension RecordKind {
    var listColumns: [String] {
        switch name {
        case "contact": return ["name", "role", "phone", "post", "last_confirmed"]
        case "plan": return ["title", "level", "category", "status", "filed_with"]
        case "drill": return ["title", "kind", "held_on", "participants"]
        case "report": return ["period", "submitted_at"]
        case "task": return ["title", "deadline", "status", "closed_on"]
        default: return fields.prefix(4).map(\.field)
        }
    }

    /// The field whose value names a record in links and titles: a title, a person's name, a
    /// report's period.
    var titleField: String {
        ["title", "name", "period"].first { key in fields.contains { $0.field == key } } ?? fields[0].field
    }
}
