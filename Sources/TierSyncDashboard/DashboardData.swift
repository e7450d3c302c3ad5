import Foundation
import GRDB
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// What the overview of one org shows, read from a node: the five rollups of the org's
/// subtree, the way up to the operator's scope, the enrolled child nodes with their cursors,
/// and the open conflicts of the subtree.
///
/// ```swift
/// let data = try DashboardData.load(node: node, org: county, scope: city, options: ReportOptions())
/// let page = OverviewPage(data)
/// ```
///
/// Loading is kept apart from `OverviewPage`, which only arranges these values, so that a
/// page can be tested on data built by hand.
public struct DashboardData: Sendable {
    /// A child node enrolled with this hub, with how far its log has been received.
    public struct ChildSync: Sendable {
        public let node: ChildNode
        public let orgName: String
        /// The last position of the child's log applied here (0: nothing yet).
        public let receivedSeq: Int64
        /// Open conflicts about records of the child's subtree.
        public let openConflicts: Int
    }

    public let org: OrgUnit
    /// The units from the operator's scope down to `org`, in order (the breadcrumbs).
    public let trail: [OrgUnit]
    public let reports: [ReportKind: Report]
    public let children: [ChildSync]
    public let conflicts: [ConflictView]
    /// The names of the subtree's units, for the conflict list.
    public let names: [String: String]

    public init(
        org: OrgUnit, trail: [OrgUnit], reports: [ReportKind: Report], children: [ChildSync],
        conflicts: [ConflictView], names: [String: String]
    ) {
        self.org = org
        self.trail = trail
        self.reports = reports
        self.children = children
        self.conflicts = conflicts
        self.names = names
    }

    /// Reads the overview of `org` (which must lie in `scope`, as `visibleOrg` checks).
    public static func load(node: TierSyncNode, org: OrgUnit, scope: OrgUnit, options: ReportOptions) throws
        -> DashboardData
    {
        let (reports, units, trail) = try node.store.read { db -> ([ReportKind: Report], [OrgUnit], [OrgUnit]) in
            var reports: [ReportKind: Report] = [:]
            for kind in ReportKind.allCases {
                reports[kind] = try Report.make(kind, org: org.code, options: options, db: db)
            }
            return (reports, try OrgUnit.subtree(of: org.code, in: db), try Self.trail(to: org, from: scope, db: db))
        }
        let names = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.name) })
        let byCode = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0) })
        let conflicts = try node.conflicts().filter { names[$0.recordOrg] != nil }
        let children = try node.children().compactMap { child -> ChildSync? in
            guard let unit = byCode[child.org] else { return nil }
            let open = conflicts.filter { byCode[$0.recordOrg].map(unit.contains) ?? false }.count
            return ChildSync(
                node: child, orgName: unit.name, receivedSeq: try node.cursor(for: child.org).receivedSeq,
                openConflicts: open)
        }
        return DashboardData(
            org: org, trail: trail, reports: reports, children: children, conflicts: conflicts, names: names)
    }

    /// The units from `scope` down to `org`: the breadcrumbs, which never go above the
    /// operator's scope.
    static func trail(to org: OrgUnit, from scope: OrgUnit, db: Database) throws -> [OrgUnit] {
        let codes = org.path.split(separator: "/").map(String.init)
        return try codes.drop { $0 != scope.code }.compactMap { try OrgUnit.fetchOne(db, key: $0) }
    }
}
