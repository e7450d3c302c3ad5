/// The Chinese wording of a field issue, as a clerk reads it beside the field: what is wrong
/// and what to type instead, never a `--flag` or an English key.
extension FieldIssue {
    /// The sentence for the field labelled `label` (`电话`); `vocabulary` names the allowed terms.
    public func chinese(label: String, vocabulary: Vocabulary? = nil) -> String {
        let typed = value.isEmpty ? "" : "“\(value.count > 40 ? String(value.prefix(40)) + "…" : value)”"
        switch rule {
        case .required(let because):
            return because.map { "请填写\(label)：\($0)。" } ?? "请填写\(label)，此项必填。"
        case .tooLong(let max):
            return "\(label)太长：最多 \(max) 个字。"
        case .term(let kind):
            let names = vocabulary?.terms(of: kind).map(\.name).joined(separator: "、") ?? ""
            return "\(label)\(typed)不是可选项" + (names.isEmpty ? "，请从列表中选择。" : "，可选：\(names)。")
        case .date:
            return "\(label)\(typed)不是有效日期：请按“年-月-日”填写，例如 2026-03-15。"
        case .dateTime:
            return "\(label)\(typed)不是有效的日期时间：例如 2026-11-14 17:30（北京时间）。"
        case .phone:
            return "\(label)\(typed)格式不对：应为 13–19 开头的 11 位手机号（如 13900001111），或带区号的固定电话（如 0858-8221234）。"
        case .wechat:
            return "\(label)\(typed)格式不对：应为 6–20 位字母、数字、下划线或减号，以字母开头。"
        case .count:
            return "\(label)\(typed)应为 0 到 10000000 之间的整数。"
        case .quantity(let allowsZero):
            return "\(label)\(typed)应为" + (allowsZero ? "不小于 0 的数，例如 0、20 或 2.5。" : "大于 0 的数，例如 20 或 2.5。")
        case .period:
            return
                "\(label)\(typed)格式不对：应为 YYYY-MM-H1（上半月，15 日前报送）或 YYYY-MM-H2（下半月，月末前报送），年终总结填 YYYY（12 月 31 日前报送），例如 2026-11-H1 或 2026。"
        case .unknownOrg:
            return "\(label)\(typed)不是本节点组织层级中的单位代码。"
        case .outsideSubtree(let scope):
            return "单位 \(value) 不在可填报的范围（\(scope) 及其下级单位）内。"
        case .reference(let table):
            return "\(label)\(typed)不存在或已删除，请选择一条已有的\(RecordKind.forTable(table)?.displayName ?? "记录")。"
        case .insufficientStock(let held):
            return "库存不足：该库点现有 \(held)，不能发出或调出 \(value)。"
        case .notConfirmedFor(let days):
            return "提醒：此联系人已 \(days) 天未核实（超过一年），请尽快与本人核对。"
        case .other(let chinese):
            return chinese ?? "\(label)\(typed)不符合要求：\(allowed)"
        }
    }
}
