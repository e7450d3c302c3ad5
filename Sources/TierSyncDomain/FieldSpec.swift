import Foundation

/// One field of a record kind as people enter it: its CLI name, type, and whether it is
/// required. Parsing a value checks it and returns what the store keeps.
///
/// ```swift
/// let phone = FieldSpec("phone", .phone, required: true, summary: "mobile or landline")
/// try phone.parse("13900001111", in: context)   // .text("13900001111")
/// ```
public struct FieldSpec: Sendable {
    public enum ValueType: Sendable, Equatable {
        case text(maxLength: Int)
        /// One vocabulary term of the kind, by key or Chinese name.
        case term(kind: String)
        /// A comma-separated list of vocabulary terms of the kind.
        case terms(kind: String)
        case date
        case dateTime
        case phone
        case wechat
        /// The code of an org unit the node knows.
        case org
        /// A whole number from 0.
        case count
        /// A decimal number above zero, or from zero when `allowsZero` (a stocktake that
        /// finds nothing).
        case quantity(allowsZero: Bool)
        /// A twice-monthly reporting period, `YYYY-MM-H1` or `YYYY-MM-H2`.
        case period
        /// The id of a live record of the table.
        case reference(table: String)
    }

    /// The column name in the store and the change log.
    public let field: String
    /// The CLI name: `--revision-deadline` on `add`, `revision-deadline=...` on `set`.
    public let flag: String
    /// Other CLI names accepted, e.g. `date` for a drill's `held_on`.
    public let aliases: [String]
    public let type: ValueType
    public let required: Bool
    public let summary: String
    /// The Chinese label a web form shows (`电话`).
    public let label: String

    public init(
        _ field: String, _ type: ValueType, required: Bool = false, aliases: [String] = [], label: String? = nil,
        summary: String
    ) {
        self.label = label ?? Self.labels[field] ?? field
        self.field = field
        self.flag = field.replacingOccurrences(of: "_", with: "-")
        self.aliases = aliases
        self.type = type
        self.required = required
        self.summary = summary
    }

    /// Chinese labels by field key, shared by the kinds that have the field.
    public static let labels = [
        "title": "标题", "level": "预案级别", "category": "类别", "status": "状态", "version": "版本",
        "revision_deadline": "修订期限", "documents": "配套文件", "filed_with": "备案单位", "filed_on": "备案日期",
        "filing_verdict": "备案结论", "role": "角色", "hazard": "灾种", "name": "姓名", "post": "职务",
        "phone": "电话", "wechat": "微信号", "last_confirmed": "最近核实日期", "kind": "形式", "held_on": "演练日期",
        "plan": "对应预案", "participants": "参演人数", "evaluation": "演练评估", "period": "报告期次",
        "body": "报告内容", "submitted_at": "报送时间", "deadline": "完成期限", "closed_on": "销号日期",
        "note": "备注", "unit": "计量单位", "reserve_kind": "储备方式", "custodian": "保管人", "item": "物资",
        "site": "库点", "quantity": "数量", "to_org": "调入单位", "to_site": "调入库点", "source": "来源",
        "occurred_on": "日期", "org": "所属单位", "approved_by": "审核单位", "approved_at": "审核时间",
        "approver": "审核人", "approved_note": "审核意见", "filing_note": "审查意见", "share": "向下共享",
        "due": "延至", "directive": "通知",
    ]

    /// True when `name` is this field's CLI name, column name or an alias.
    public func isNamed(_ name: String) -> Bool {
        name == flag || name == field || aliases.contains(name)
    }
}
