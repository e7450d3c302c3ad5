import Foundation

/// The sample work `tiersync demo` shows a new user: a township node with a plan, its
/// information officers and commander, a drill, a progress report and a tent reserve.
///
/// All people are synthetic (示例 names, 139-0000 numbers), as DOMAIN.md requires.
public enum DemoScenario {
    /// The township the demo node belongs to: 大河镇, 钟山区 (sample code).
    public static let org = "520201101"

    /// Creates a node at `path` and enters the sample records; returns the node.
    public static func run(path: String) throws -> TierSyncNode {
        let node = try TierSyncNode.create(path: path, org: org)
        try enterTownshipRecords(node)
        return node
    }

    /// A township's day of offline entry: plans, its information officers and commander, a
    /// drill, a progress report, a tent reserve and a task it must close out.
    public static func enterTownshipRecords(_ node: TierSyncNode) throws {
        let plan = try node.add(
            .plan,
            values: [
                "title": "大河镇地质灾害应急预案", "level": "grassroots", "category": "地质灾害", "status": "published",
                "version": "2026版", "documents": "工作手册,处置明白卡", "filed-with": "520201", "filed-on": "2026-03-10",
                "filing-verdict": "pending", "revision-deadline": "2029-03-10",
            ])
        try node.add(
            .plan, values: ["title": "大河镇森林防灭火应急预案", "level": "grassroots", "category": "森林火灾", "status": "revising"])
        for (name, phone) in [("示例·王一", "13900000001"), ("示例·李二", "13900000002")] {
            try node.add(.contact, values: ["role": "信息员", "name": name, "phone": phone, "post": "镇应急办"])
        }
        try node.add(
            .contact,
            values: [
                "role": "commander", "hazard": "geological-disaster", "name": "示例·张三", "phone": "13900000003",
                "post": "副镇长", "wechat": "demo_zhang3",
            ])
        try node.add(
            .drill,
            values: [
                "title": "汛期地质灾害避险转移演练", "kind": "full-scale", "date": "2026-06-18", "participants": "120",
                "plan": plan.id.rawValue, "evaluation": "转移路线清晰，预警信号需加强",
            ])
        try node.add(
            .report,
            values: ["period": "2026-11-H1", "text": "完成隐患点巡查12处，更新信息员名单。", "submitted-at": "2026-11-14 17:30"])
        try node.recordStock(
            .receive,
            .init(
                item: "帐篷", site: "镇应急物资库", quantity: "40", source: "allocation",
                newItem: ["category": "生活保障类", "unit": "顶"]))
        try node.recordStock(.issue, .init(item: "帐篷", site: "镇应急物资库", quantity: "6", note: "安置受灾群众"))
        try node.add(
            .task, values: ["title": "完成镇应急物资库改造", "deadline": "2026-10-31", "note": "主体完工，待验收"])
    }

    /// What an upper level enters itself: its overall plan and its duty contact.
    public static func enterUpperLevelRecords(_ node: TierSyncNode, contact: (name: String, phone: String)) throws {
        try node.add(.plan, values: ["title": "\(node.org.name)突发事件总体应急预案", "level": "overall", "status": "published"])
        try node.add(
            .contact, values: ["role": "liaison", "name": contact.name, "phone": contact.phone, "post": "应急管理局值班室"])
    }
}
