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
        try write { writer in try edit(.task, writer.db).requestCloseout(task: id, note: note, writer: &writer) }
    }

    /// Returns a close-out request (退回): the task is open again, with the reason in its
    /// note. Done by a unit above the task's.
    @discardableResult
    public func returnCloseout(task id: String, note: String) throws -> StoredRecord {
        try write { writer in try edit(.task, writer.db).returnCloseout(task: id, note: note, writer: &writer) }
    }

    /// Every org's name by code, for printing.
    public func orgNames() throws -> [String: String] {
        Dictionary(try orgs().map { ($0.code, $0.name) }) { first, _ in first }
    }
}
