import Foundation
import Logging
import Testing
import TierSyncCore
import TierSyncDashboard
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// A city node (六盘水市) on a temporary file with a few townships' plans, information
/// officers, drills, progress reports, a reserve and an overdue task; removed with the value.
final class DashboardFixture {
    let directory: URL
    let node: TierSyncNode

    /// 2026-11-29T10:00:00+08:00.
    static let now: Int64 = 1_795_917_600_000
    static let options = ReportOptions(asOf: CivilDate(parsing: "2026-11-29")!)

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        node = try TierSyncNode.create(
            path: directory.appendingPathComponent("city.db").path, org: "520200",
            wallClock: FixedWallClock(milliseconds: Self.now),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        for (org, title) in [("520201101", "大河镇总体预案"), ("520201102", "汪家寨镇预案"), ("520203102", "岩脚镇预案")] {
            try node.add(.plan, org: org, values: ["title": title, "level": "grassroots", "status": "published"])
        }
        for org in ["520201101", "520201101", "520203102"] {
            try node.add(
                .contact, org: org, values: ["role": "information-officer", "name": "示例·王一", "phone": "13900000001"])
        }
        try node.add(
            .drill, org: "520201101",
            values: ["title": "汛期演练", "kind": "full-scale", "held-on": "2026-06-18", "participants": "120"])
        try node.add(
            .drill, org: "520203102",
            values: ["title": "桌面推演", "kind": "tabletop", "held-on": "2026-09-02", "participants": "30"])
        try node.add(
            .report, org: "520201101",
            values: ["period": "2026-11-H1", "body": "巡查", "submitted-at": "2026-11-14 17:30"])
        try node.recordStock(
            .receive,
            .init(
                org: "520201101", item: "帐篷", site: "镇应急物资库", quantity: "40", source: "allocation",
                newItem: ["category": "生活保障类", "unit": "顶"]))
        try node.add(.task, org: "520203102", values: ["title": "修订预案", "deadline": "2026-10-31"])
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func unit(_ code: String) throws -> OrgUnit {
        try #require(try node.orgs(under: code).first { $0.code == code })
    }

    func report(_ kind: ReportKind, org: String) throws -> Report {
        try node.store.read { db in try Report.make(kind, org: org, options: Self.options, db: db) }
    }

    func overview(_ org: String, scope: String = "520200") throws -> OverviewPage {
        OverviewPage(
            try DashboardData.load(hub: node, org: try unit(org), scope: try unit(scope), options: Self.options))
    }
}
