import TierSyncCore

/// The record kinds of DOMAIN.md and their fields.
extension RecordKind {
    public static let plan = RecordKind(
        name: "plan", table: "plan", displayName: "应急预案",
        fields: [
            FieldSpec("title", .text(maxLength: 200), required: true, summary: "the plan's title"),
            FieldSpec(
                "level", .term(kind: "plan-level"), required: true,
                summary: "overall, special, department, enterprise or grassroots"),
            FieldSpec(
                "category", .term(kind: "plan-category"), summary: "special-plan category (required for special plans)"),
            FieldSpec("status", .term(kind: "plan-status"), required: true, summary: "drafting, revising or published"),
            FieldSpec("version", .text(maxLength: 40), summary: "version label, e.g. 2026版"),
            FieldSpec("revision_deadline", .date, summary: "date the revision is due"),
            FieldSpec("documents", .terms(kind: "plan-document"), summary: "supporting documents, comma-separated"),
            FieldSpec("filed_with", .org, summary: "org code the plan is filed with (备案)"),
            FieldSpec("filed_on", .date, summary: "filing date"),
            FieldSpec(
                "filing_verdict", .term(kind: "filing-verdict"),
                summary: "the filing org's verdict: pending, accepted or returned (tiersync plan verdict)"),
            .share,
        ],
        // The unit that owns a plan decides its content; the filing (备案) is recorded by the
        // unit it is filed with, above it.
        policy: MergePolicy(.ownerWins),
        fieldPolicies: Dictionary(
            uniqueKeysWithValues: ["filed_with", "filed_on", "filing_verdict", "filing_note"].map {
                ($0, MergePolicy(.upperLevelWins))
            }),
        defaults: { _ in ["status": .text("drafting")] },
        check: { record in
            if record["level"] == .text("special"), record["category"] ?? .null == .null {
                throw DomainError.missingField(
                    "category", kind: "plan",
                    hint: "a special plan (专项应急预案) needs one of the twenty special-plan categories")
            }
            let filed = record["filed_with"] ?? .null
            for field in ["filed_on", "filing_verdict"] where filed == .null && (record[field] ?? .null) != .null {
                throw DomainError.missingField(
                    "filed-with", kind: "plan",
                    hint:
                        "\(field.replacingOccurrences(of: "_", with: "-")) describes a filing, so give the org it is filed with"
                )
            }
        })

    public static let contact = RecordKind(
        name: "contact", table: "contact", displayName: "联系人",
        fields: [
            FieldSpec(
                "role", .term(kind: "contact-role"), required: true,
                summary:
                    "commander, deputy-commander, information-officer, liaison, expert, grid-worker, grid-leader or team-contact"
            ),
            FieldSpec("hazard", .term(kind: "plan-category"), summary: "hazard type, as the special-plan categories"),
            FieldSpec("name", .text(maxLength: 50), required: true, summary: "the person's name"),
            FieldSpec("post", .text(maxLength: 100), summary: "post or title"),
            FieldSpec("phone", .phone, required: true, summary: "mobile or landline number"),
            FieldSpec("wechat", .wechat, summary: "WeChat id"),
            FieldSpec("last_confirmed", .date, summary: "date the details were last confirmed (default: today)"),
            .share,
        ],
        // Phone numbers change often and are corrected at several levels: the latest edit is
        // shown, and a person confirms which number is right.
        policy: MergePolicy(.lastWriterWins, needsReview: true),
        defaults: { context in ["last_confirmed": .text(context.today)] })

    public static let drill = RecordKind(
        name: "drill", table: "drill", displayName: "演练",
        fields: [
            FieldSpec("title", .text(maxLength: 200), required: true, summary: "what was drilled"),
            FieldSpec("kind", .term(kind: "drill-kind"), required: true, summary: "tabletop, functional or full-scale"),
            FieldSpec("held_on", .date, required: true, aliases: ["date"], summary: "date held"),
            FieldSpec("plan", .reference(table: "plan"), summary: "id of the plan exercised"),
            FieldSpec("participants", .count, required: true, summary: "number of participants"),
            FieldSpec("evaluation", .text(maxLength: 2000), summary: "evaluation of the drill"),
        ],
        policy: MergePolicy(.ownerWins))

    public static let report = RecordKind(
        name: "report", table: "progress_report", displayName: "进展报告",
        fields: [
            FieldSpec(
                "period", .period, required: true,
                summary: "YYYY-MM-H1 (due by the 15th) or YYYY-MM-H2 (due by the last day)"),
            FieldSpec("body", .text(maxLength: 20000), required: true, aliases: ["text"], summary: "the report's text"),
            FieldSpec("submitted_at", .dateTime, required: true, summary: "when it was submitted (default: now)"),
        ],
        policy: MergePolicy(.ownerWins),
        defaults: { context in ["submitted_at": .text(context.nowText)] })

    public static let task = RecordKind(
        name: "task", table: "task", displayName: "任务",
        fields: [
            FieldSpec("title", .text(maxLength: 200), required: true, summary: "what is to be done"),
            FieldSpec("deadline", .date, required: true, summary: "date it must be closed out by"),
            FieldSpec(
                "status", .term(kind: "task-status"), required: true,
                summary: "open, close-requested (申请销号), closed (销号) or cancelled (default: open)"),
            FieldSpec("closed_on", .date, summary: "date it was closed out"),
            FieldSpec("note", .text(maxLength: 2000), summary: "progress or close-out note"),
        ],
        // The responsible unit reports its own progress; the level that set the task signs it
        // off (销号), so a close-out from above wins over a status edit below.
        policy: MergePolicy(.ownerWins),
        fieldPolicies: ["status": MergePolicy(.upperLevelWins), "closed_on": MergePolicy(.upperLevelWins)],
        defaults: { _ in ["status": .text("open")] },
        check: { record in
            if record["status"] == .text("closed"), record["closed_on"] ?? .null == .null {
                throw DomainError.missingField(
                    "closed-on", kind: "task", hint: "a task closed out (销号) needs the date it was closed")
            }
        })

    public static let materialItem = RecordKind(
        name: "item", table: "material_item", displayName: "应急物资",
        fields: [
            FieldSpec("name", .text(maxLength: 100), required: true, summary: "item name, e.g. 帐篷"),
            FieldSpec("category", .term(kind: "material-category"), required: true, summary: "material category"),
            FieldSpec("unit", .text(maxLength: 20), required: true, summary: "unit of measure, e.g. 顶"),
            FieldSpec(
                "reserve_kind", .term(kind: "reserve-kind"), required: true,
                summary: "physical, commercial or production-capacity"),
            FieldSpec("custodian", .text(maxLength: 50), summary: "who keeps it"),
        ],
        policy: MergePolicy(.ownerWins),
        defaults: { _ in ["reserve_kind": .text("physical")] })

    public static let stockEvent = RecordKind(
        name: "stock-event", table: "stock_event", displayName: "物资出入库",
        fields: [
            FieldSpec("item", .reference(table: "material_item"), required: true, summary: "material item id"),
            FieldSpec(
                "kind", .text(maxLength: 20), required: true, summary: "receive, issue, transfer, count or reversal"),
            FieldSpec("site", .text(maxLength: 100), required: true, summary: "storage site"),
            FieldSpec(
                "quantity", .quantity(allowsZero: false), required: true,
                summary: "amount moved, or counted at a stocktake"),
            FieldSpec("to_org", .org, summary: "receiving org of a transfer"),
            FieldSpec("to_site", .text(maxLength: 100), summary: "receiving site of a transfer"),
            FieldSpec("source", .term(kind: "stock-source"), summary: "where received stock came from"),
            FieldSpec(
                "occurred_on", .date, required: true, aliases: ["date"],
                summary: "date of the movement (default: today)"),
            FieldSpec("note", .text(maxLength: 500), summary: "free note"),
        ],
        editable: false,
        policy: MergePolicy(.appendOnly))

    /// A directive (通知, 任务下达) an upper level sends to the units below, shared down to
    /// them (default: every unit below); each unit's arrival and reading come back up as
    /// receipts.
    public static let directive = RecordKind(
        name: "directive", table: "directive", displayName: "通知与任务下达",
        fields: [
            FieldSpec("title", .text(maxLength: 200), required: true, summary: "the directive's title"),
            FieldSpec(
                "kind", .term(kind: "directive-kind"), required: true, label: "类型",
                summary: "notice or task-assignment (default: notice)"),
            FieldSpec("body", .text(maxLength: 20000), label: "正文", summary: "the text"),
            FieldSpec("deadline", .date, summary: "date the units must act by"),
            .share,
        ],
        policy: MergePolicy(.ownerWins),
        defaults: { _ in ["kind": .text("notice"), "share": .text("subtree")] })

    /// A later due date an upper level grants the units below it for one period (a
    /// half-month, a month of drills or a year's summary), shared down to them.
    public static let deadlineExtension = RecordKind(
        name: "extension", table: "deadline_extension", displayName: "延期",
        fields: [
            FieldSpec(
                "period", .text(maxLength: 10), required: true,
                summary: "YYYY-MM-H1 or YYYY-MM-H2 (progress reports), YYYY-MM (drills) or YYYY (year-end summary)"),
            FieldSpec("due", .date, required: true, summary: "the new due date"),
            FieldSpec("note", .text(maxLength: 500), label: "说明", summary: "why"),
            .share,
        ],
        policy: MergePolicy(.ownerWins),
        defaults: { _ in ["share": .text("subtree")] },
        check: { record in
            guard let text = record["period"]?.textValue, let period = DuePeriod(parsing: text) else {
                throw DomainError.invalidValue(
                    field: "period", value: record["period"]?.description ?? "",
                    allowed: "YYYY-MM-H1, YYYY-MM-H2, YYYY-MM or YYYY", rule: .period)
            }
            if let due = record["due"]?.textValue.flatMap(CivilDate.init(parsing:)), due < period.dueDate {
                throw DomainError.invalidValue(
                    field: "due", value: due.description,
                    allowed: "a date after the period's own due date \(period.dueDate) (an extension only extends)")
            }
        })
}

extension FieldSpec {
    /// How far below its owner a record is shared: subtree, children or none.
    static let share = FieldSpec(
        "share", .term(kind: "share"),
        summary: "shared down to the units below: subtree (all), children (the units directly below) or none")
}
