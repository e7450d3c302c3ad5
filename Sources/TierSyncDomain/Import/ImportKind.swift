/// What a spreadsheet import creates: records of a kind, or stock received into the ledger
/// (one receive per row, the item created when the unit has none of that name).
public enum ImportKind: String, Sendable, CaseIterable {
    case contact, plan, drill, report, task, stock

    public var recordKind: RecordKind? {
        switch self {
        case .contact: .contact
        case .plan: .plan
        case .drill: .drill
        case .report: .report
        case .task: .task
        case .stock: nil
        }
    }

    public var displayName: String { recordKind?.displayName ?? "物资台账" }

    /// The columns a sheet of this kind has, in order.
    public var fields: [FieldSpec] { recordKind?.fields ?? Self.stockFields }

    /// The fields that say two rows are the same record (besides the unit): a contact's
    /// name and phone, a plan's or task's title, a drill's title and date, a report's period.
    var naturalKey: [String] {
        switch self {
        case .contact: ["name", "phone"]
        case .plan, .task: ["title"]
        case .drill: ["title", "held_on"]
        case .report: ["period"]
        case .stock: []
        }
    }

    static let stockFields: [FieldSpec] = [
        FieldSpec("item", .text(maxLength: 100), required: true, label: "物资名称", summary: "item name, e.g. 帐篷"),
        FieldSpec(
            "category", .term(kind: "material-category"), required: true, label: "物资类别", summary: "material category"),
        FieldSpec("unit", .text(maxLength: 20), required: true, label: "计量单位", summary: "unit of measure, e.g. 顶"),
        FieldSpec(
            "reserve_kind", .term(kind: "reserve-kind"), label: "储备方式",
            summary: "physical, commercial or production-capacity"),
        FieldSpec("custodian", .text(maxLength: 50), label: "保管人", summary: "who keeps it"),
        FieldSpec("site", .text(maxLength: 100), required: true, label: "库点", summary: "storage site"),
        FieldSpec("quantity", .quantity(allowsZero: false), required: true, label: "数量", summary: "amount received"),
        FieldSpec("occurred_on", .date, label: "入库日期", summary: "date received (default: today)"),
        FieldSpec("source", .term(kind: "stock-source"), label: "来源", summary: "where it came from"),
        FieldSpec("note", .text(maxLength: 500), label: "备注", summary: "free note"),
    ]

    /// Other headers people give a column: what the export writes is the label; these are
    /// the common synonyms on existing lists.
    static let synonyms: [String: [String]] = [
        "phone": ["手机", "手机号", "手机号码", "联系电话", "电话号码", "联系方式", "移动电话", "电话"],
        "name": ["姓名", "名字", "联系人", "人员姓名"],
        "post": ["职务", "职位", "岗位"],
        "wechat": ["微信", "微信号", "微信账号"],
        "role": ["角色", "人员类别", "人员类型"],
        "hazard": ["灾种", "灾害类型", "灾害种类"],
        "last_confirmed": ["核实日期", "最近核实日期", "确认日期"],
        "title": ["标题", "名称", "预案名称", "任务名称", "演练名称"],
        "level": ["级别", "预案级别"],
        "category": ["类别", "预案类别", "专项类别", "物资类别"],
        "held_on": ["演练日期", "日期", "演练时间"],
        "participants": ["参演人数", "人数"],
        "period": ["报告期次", "期次"],
        "body": ["报告内容", "内容", "正文"],
        "deadline": ["完成期限", "截止日期", "期限"],
        "item": ["物资名称", "物资", "品名", "名称"],
        "quantity": ["数量", "库存数量", "储备数量"],
        "site": ["库点", "存放地点", "储存地点", "仓库"],
        "unit": ["计量单位", "单位名称(计量)"],
        ImportColumns.orgKey: ["所属单位", "单位", "单位代码", "所属单位代码", "填报单位"],
        ImportColumns.idKey: ["记录编号", "编号", "id", "ID"],
    ]
}
