import Foundation
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// What the overview of one org shows, read from a hub on either store: the five rollups of the org's
/// subtree, the way up to the operator's scope, the enrolled child nodes and how each keeps up,
/// and the open conflicts of the subtree.
///
/// ```swift
/// let data = try DashboardData.load(hub: node, org: county, scope: city, options: ReportOptions())
/// let page = OverviewPage(data)
/// ```
///
/// Loading is kept apart from `OverviewPage`, which only arranges these values, so that a
/// page can be tested on data built by hand.
public struct DashboardData: Sendable {
    public let org: OrgUnit
    /// The units from the operator's scope down to `org`, in order (the breadcrumbs).
    public let trail: [OrgUnit]
    public let reports: [ReportKind: Report]
    /// The enrolled child nodes of the subtree and how each keeps up.
    public let children: [TierSyncNode.ChildHealth]
    public let conflicts: [ConflictView]
    /// The names of the subtree's units, for the conflict list.
    public let names: [String: String]
    /// The subtree's newest attachments (a plan's documents, a drill's photos), to download.
    public var attachments: [Attachment] = []
    /// How many of them the overview lists.
    public static let recentAttachments = 20
    /// When the reports were made and whether the log has moved since (see `RollupCache`).
    public var madeAt = Date()
    public var current = true

    public init(
        org: OrgUnit, trail: [OrgUnit], reports: [ReportKind: Report], children: [TierSyncNode.ChildHealth],
        conflicts: [ConflictView], names: [String: String]
    ) {
        self.org = org
        self.trail = trail
        self.reports = reports
        self.children = children
        self.conflicts = conflicts
        self.names = names
    }

    /// Reads the overview of `org` (which must lie in `scope`, as `visibleOrg` checks), its
    /// reports from `cache` when one is given, otherwise made now.
    public static func load(
        hub: any SyncHub, org: OrgUnit, scope: OrgUnit, options: ReportOptions, cache: RollupCache? = nil
    ) throws -> DashboardData {
        let rollups =
            try cache?.rollups(hub: hub, org: org.code, options: options)
            ?? RollupCache.make(hub: hub, org: org.code, options: options)
        let (units, trail, attachments) = try hub.readingRecords { db in
            (
                try OrgUnit.subtree(of: org, in: db), try Self.trail(to: org, from: scope, db: db),
                try Attachment.list(under: org.code, limit: recentAttachments, in: db)
            )
        }
        let names = Dictionary(units.map { ($0.code, $0.name) }) { first, _ in first }
        let conflicts = try hub.openConflictViews().filter { names[$0.recordOrg] != nil }
        let children = try hub.childHealth().filter { names[$0.org] != nil }
        var data = DashboardData(
            org: org, trail: trail, reports: rollups.reports, children: children, conflicts: conflicts, names: names)
        data.attachments = attachments
        (data.madeAt, data.current) = (rollups.madeAt, rollups.current)
        return data
    }

    /// The units from `scope` down to `org`: the breadcrumbs, which never go above the
    /// operator's scope.
    static func trail(to org: OrgUnit, from scope: OrgUnit, db: any SQLReader) throws -> [OrgUnit] {
        let codes = org.path.split(separator: "/").map(String.init)
        return try codes.drop { $0 != scope.code }.compactMap { try OrgUnit.find($0, in: db) }
    }
}
