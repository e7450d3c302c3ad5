import TierSyncDomain
import TierSyncStore

/// A directive's panel: at the unit that sent it, each unit it reaches with when it arrived
/// and was read; at a unit below, the button that notes it read here.
struct DirectiveView: Sendable {
    struct Unit: Sendable {
        let org: String
        let name: String
        let arrived: String
        let read: String
        let reader: String
    }

    let action: String
    let csrf: String
    let mayMarkRead: Bool
    let readHere: String?
    let units: [Unit]
    let hasUnits: Bool

    init(_ record: StoredRecord, node: any WorkbenchNode, visitor: Visitor, orgs: OrgChoices) throws {
        action = "/records/directive/\(record.id.rawValue)/read"
        csrf = visitor.csrf
        let receipts = try node.receipts(of: record.id.rawValue)
        let read = receipts.first { $0.level == node.hubOrg.code && $0.event == "read" }
        let fromAbove = !orgs.subtree.contains { $0.code == record.org }
        mayMarkRead = fromAbove && read == nil && visitor.role != nil
        readHere = read.map { "本单位已于 \(ChinaTime.display($0.at)) 阅读（\($0.reader ?? "")）。" }
        units =
            fromAbove
            ? []
            : try node.directiveReach(record.id.rawValue).map {
                Unit(
                    org: $0.org, name: $0.name, arrived: $0.arrived.map { ChinaTime.display($0) } ?? "未收到",
                    read: $0.read.map { ChinaTime.display($0) } ?? "未读", reader: $0.reader ?? "")
            }
        hasUnits = !units.isEmpty
    }
}
