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
        try write { writer in try edit(.plan, writer.db).file(plan: id, with: code, writer: &writer) }
    }

    /// Records the filing org's verdict on a plan filed with this node's unit: `accepted`
    /// also approves (locks) it; `returned` lifts this unit's approval so it can be revised.
    @discardableResult
    public func recordVerdict(plan id: String, accepted: Bool, note: String?) throws -> StoredRecord {
        try write { writer in
            try edit(.plan, writer.db).recordVerdict(
                plan: id, accepted: accepted, note: note, approver: author?.name ?? org.name, writer: &writer)
        }
    }

    /// Plans filed with this node's unit, oldest filing first.
    public func filings() throws -> [StoredRecord] { Self.filings(of: try list(.plan), with: org.code) }

    /// Of `plans`, those filed with `code`, oldest filing first.
    public static func filings(of plans: [StoredRecord], with code: String) -> [StoredRecord] {
        plans.filter { $0["filed_with"] == .text(code) }
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
