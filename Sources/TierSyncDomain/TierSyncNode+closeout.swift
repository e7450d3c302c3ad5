import GRDB
import TierSyncCore
import TierSyncStore

/// Task close-out (销号) as a procedure: the responsible unit asks for it with a note, and the
/// level above approves it (`approve(.task, ...)`, which closes and locks the task) or
/// returns it.
extension TierSyncNode {
    /// Asks for a task's close-out (申请销号): its status becomes close-requested, with what
    /// was done in the note.
    @discardableResult
    public func requestCloseout(task id: String, note: String) throws -> StoredRecord {
        let task = try show(.task, id: id)
        guard task["status"] == .text("open") else {
            throw DomainError.procedure(
                "task \(id) is \(task["status"].description), not open: only an open task asks for close-out",
                chinese: "只有进行中的任务可以申请销号。", forbidden: false)
        }
        return try set(.task, id: id, values: ["status": "close-requested", "note": note]).0
    }

    /// Returns a close-out request (退回): the task is open again, with the reason in its
    /// note. Done by a unit above the task's.
    @discardableResult
    public func returnCloseout(task id: String, note: String) throws -> StoredRecord {
        let task = try show(.task, id: id)
        guard task["status"] == .text("close-requested"), task.org != org.code else {
            throw DomainError.procedure(
                "task \(id) has no close-out request for this level to return (status \(task["status"].description))",
                chinese: "该任务没有待本级审核的销号申请。", forbidden: false)
        }
        return try set(.task, id: id, values: ["status": "open", "note": note]).0
    }

    /// Every org's name by code, for printing.
    public func orgNames() throws -> [String: String] {
        Dictionary(try orgs().map { ($0.code, $0.name) }) { first, _ in first }
    }
}
