import GRDB
import TierSyncCore
import TierSyncStore

/// Filing (备案): a unit files a plan with the org that manages it; that org, and only it,
/// records a verdict. An accepted plan is approved (locked); a returned one can be revised
/// and filed again.
extension TierSyncNode {
    /// A plan's filing state, as the coverage report and the pages show it.
    public enum FilingState: String, Codable, Sendable, CaseIterable {
        case notFiled = "not-filed", pending, returned, accepted

        public var chinese: String {
            switch self {
            case .notFiled: "未备案"
            case .pending: "待审查"
            case .returned: "退回修改"
            case .accepted: "审查通过"
            }
        }

        /// The state of a plan from its filing fields (`approved` is the verdict's key before
        /// verdicts were recorded by the filing org).
        public init(filedWith: String?, verdict: String?) {
            switch (filedWith, verdict) {
            case (nil, _): self = .notFiled
            case (_, "accepted"), (_, "approved"): self = .accepted
            case (_, "returned"): self = .returned
            default: self = .pending
            }
        }

        public init(_ plan: StoredRecord) {
            self.init(filedWith: plan["filed_with"].textValue, verdict: plan["filing_verdict"].textValue)
        }
    }

    /// Files a plan with `with`, an org above the plan's unit: the verdict goes back to
    /// pending until that org records one.
    @discardableResult
    public func file(plan id: String, with code: String) throws -> StoredRecord {
        try write { writer in
            let plan = try liveRecord(.plan, id: id, db: writer.db)
            let owner = try writableOrg(plan.org, db: writer.db)
            try requireUnlocked(.plan, plan, db: writer.db)
            let unit = try orgUnit(code, db: writer.db)
            guard unit.contains(owner), unit.code != owner.code else {
                throw DomainError.invalidValue(
                    field: "with", value: code,
                    allowed: "an org above the plan's unit \(owner.code) \(owner.name) (the one that manages it)")
            }
            try writer.update(
                table: RecordKind.plan.table, id: plan.id,
                fields: [
                    "filed_with": .text(unit.code), "filed_on": .text(context(writer.db).today),
                    "filing_verdict": .text("pending"),
                ])
            return try writer.fetch(table: RecordKind.plan.table, id: plan.id)!
        }
    }

    /// Records the filing org's verdict on a plan filed with this node's unit: `accepted`
    /// also approves (locks) it; `returned` lifts this unit's approval so it can be revised.
    @discardableResult
    public func recordVerdict(plan id: String, accepted: Bool, note: String?) throws -> StoredRecord {
        let plan = try store.read { db in try liveRecord(.plan, id: id, db: db) }
        guard plan["filed_with"] == .text(org.code) else {
            let filed = plan["filed_with"].textValue
            throw DomainError.procedure(
                "plan \(id) is "
                    + (filed.map { "filed with \($0), not with this node's unit \(org.code)" } ?? "not filed")
                    + ": only the org it is filed with records a verdict",
                chinese: filed == nil ? "该预案尚未备案，不能审查。" : "该预案不是向本单位备案的，只有备案单位可以审查。")
        }
        // The verdict and the approval it brings are one write: both or neither.
        return try write { writer in
            _ = try writableOrg(plan.org, db: writer.db)
            try writer.update(
                table: RecordKind.plan.table, id: plan.id,
                fields: [
                    "filing_verdict": .text(accepted ? "accepted" : "returned"),
                    "filing_note": note.map(FieldValue.text) ?? .null,
                ])
            let approval = Approval(plan)
            if accepted, approval == nil { return try approve(.plan, id: id, note: note, writer: &writer) }
            if !accepted, approval?.org == org.code {
                return try unapprove(.plan, id: id, note: note, writer: &writer)
            }
            return try writer.fetch(table: RecordKind.plan.table, id: plan.id)!
        }
    }

    /// Plans filed with this node's unit, oldest filing first.
    public func filings() throws -> [StoredRecord] {
        try list(.plan).filter { $0["filed_with"] == .text(org.code) }
            .sorted {
                ($0["filed_on"].textValue ?? "", $0.id.rawValue) < ($1["filed_on"].textValue ?? "", $1.id.rawValue)
            }
    }

    /// Refuses fields that only a unit above the owner decides, when the editing node's unit
    /// (`editor`) is not it: a verdict other than pending, which only the org the plan is
    /// filed with records.
    public static func checkDecidedAbove(
        _ kind: RecordKind, named: Set<String>, record: [String: FieldValue], owner: String, editor: String
    ) throws {
        guard kind.name == RecordKind.plan.name, named.contains("filing_verdict") else { return }
        let verdict = record["filing_verdict"] ?? .null
        guard verdict != .null, verdict != .text("pending") else { return }
        guard record["filed_with"] == .text(editor), owner != editor else {
            throw DomainError.procedure(
                "the filing verdict is recorded by the org the plan is filed with, with `tiersync plan verdict`; a plan's own unit sets it to pending only (`tiersync plan file`)",
                chinese: "备案审查结论由受理备案的单位填写，本单位只能提交备案。", forbidden: false)
        }
    }
}
