import TierSyncDomain
import TierSyncStore

/// The units a page names and offers, read once per request: every unit's name, and the
/// visitor's subtree (indented by depth) with, for fields that point upward (备案单位), the
/// units above it.
struct OrgChoices: Sendable {
    let names: [String: String]
    let subtree: [OrgUnit]
    let ancestors: [OrgUnit]

    init(node: any WorkbenchNode, scope: OrgUnit) throws {
        let all = try node.orgs()
        names = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0.name) })
        subtree = all.filter { scope.contains($0) }
        let above = Set(scope.path.split(separator: "/").map(String.init).dropLast())
        ancestors = all.filter { above.contains($0.code) }
        depth = scope.path.split(separator: "/").count
    }

    private let depth: Int

    func name(_ code: String) -> String { names[code] ?? code }

    /// (code, label) pairs: the subtree, after the units above it when `upward`; `current`
    /// is always among them, so that saving a form never drops a value it cannot show.
    func options(upward: Bool = false, current: String? = nil) -> [(String, String)] {
        var units = (upward ? ancestors : []) + subtree
        if let current, !current.isEmpty, !units.contains(where: { $0.code == current }) {
            units.insert(
                OrgUnit(code: current, parent: nil, name: name(current), level: .county, path: current, sample: false),
                at: 0)
        }
        return units.map { unit in
            let indent = max(0, unit.path.split(separator: "/").count - depth)
            return (unit.code, String(repeating: "　", count: indent) + unit.name)
        }
    }
}
