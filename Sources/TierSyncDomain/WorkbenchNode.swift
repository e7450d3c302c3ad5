import TierSyncCore
import TierSyncStore

/// A node as its web pages (the workbench: 录入, 审核, 同步, 冲突, 账号, 汇总) use it, whatever
/// stores it: a SQLite node (`TierSyncNode`) and a hub on PostgreSQL (`PostgresHub`) both do,
/// with the same rules, so that every page is written once for both.
///
/// ```swift
/// let node: any WorkbenchNode = try PostgresHub.open(address: address)
/// let page = try node.records(.contact, RecordQuery(org: "520203", search: "王", limit: 50))
/// let clerk = node.acting(as: Author(login: "wang", name: "示例·王一"), within: township)
/// try clerk.set(.contact, id: page.records[0].id.rawValue, values: ["phone": "13900000001"])
/// ```
public protocol WorkbenchNode: NodeWorkspace, PeopleAccounts, SyncHub, SyncChild {
    /// The reference vocabulary (the names shown for keys), as the node opened with it.
    var vocabulary: Vocabulary { get }

    /// The same node, writing for `author` inside `scope` (their org's subtree, at or below
    /// the node's): every record it adds, edits, deletes or settles is attributed to them in
    /// its history, and a write outside `scope` is refused like one outside the node.
    func acting(as author: Author, within scope: OrgUnit) -> Self

    /// The records of `kind` that `query` asks for, a page of them, and how many match in all.
    func records(_ kind: RecordKind, _ query: RecordQuery) throws -> RecordPage
    /// The record with `id`, deleted or not.
    func show(_ kind: RecordKind, id: String) throws -> StoredRecord
    /// The org unit with `code`, if the node knows it.
    func orgUnit(_ code: String) throws -> OrgUnit?
    /// Org units at and below `code` (default: the whole hierarchy the node knows), by path.
    func orgs(under code: String?) throws -> [OrgUnit]
    /// What a new record of `kind` holds before anyone types, as text a form shows.
    func defaults(_ kind: RecordKind) throws -> [String: String]

    /// The changes of record `id` of `kind` that the log keeps, oldest first, with their authors.
    func history(_ kind: RecordKind, id: String) throws -> [TierSyncNode.HistoryEntry]
    /// The person who made `node`'s newest logged edit of `field` of `record`, when one did.
    func author(ofRecord record: String, field: String, node: String) throws -> Author?
    /// Open conflicts, oldest first; with `includeSettled`, the settled history too.
    func conflicts(includeSettled: Bool) throws -> [ConflictView]
    /// The receipts (arrived, read) of record `id`.
    func receipts(of id: String) throws -> [TierSyncNode.Receipt]
    /// The attachment `id`, live or not.
    func attachment(_ id: String) throws -> Attachment
    /// A new operator (a reader of the consolidated view) of `org`'s subtree (default: the
    /// node's), with the credential shown once.
    func addOperator(name: String, org: String?) throws -> TierSyncNode.IssuedOperator
}

extension WorkbenchNode {
    /// A one-time enrollment code for the child org `childOrg`, good for three days.
    public func issueEnrollment(for childOrg: String) throws -> TierSyncNode.IssuedCode {
        try issueEnrollment(for: childOrg, hours: 72)
    }

    /// The latest twenty sync attempts with the parent, newest first.
    public func syncAttempts() throws -> [SyncAttempt] { try syncAttempts(limit: 20) }

    /// A new operator of the node's whole subtree.
    public func addOperator(name: String) throws -> TierSyncNode.IssuedOperator {
        try addOperator(name: name, org: nil)
    }

    /// The open conflicts, oldest first.
    public func conflicts() throws -> [ConflictView] { try conflicts(includeSettled: false) }

    /// Org units of the whole hierarchy the node knows, by path.
    public func orgs() throws -> [OrgUnit] { try orgs(under: nil) }

    /// What the status bar and `tiersync status` show of the node's own sync.
    public func syncStatus() throws -> TierSyncNode.SyncStatus {
        try syncStatus(openConflicts: try conflicts(includeSettled: false).count)
    }

    /// Warnings about a record that do not stop a save: a contact not confirmed for a year.
    public func warnings(_ kind: RecordKind, _ record: StoredRecord) -> [FieldIssue] {
        guard kind.name == "contact",
            let confirmed = record["last_confirmed"].textValue.flatMap(CivilDate.init(parsing:)),
            let today = CivilDate(parsing: DateTimeText.chinaDate(milliseconds: wallClock.nowMilliseconds()))
        else { return [] }
        let days = today.daysSinceEpoch - confirmed.daysSinceEpoch
        guard days > 365 else { return [] }
        return [
            FieldIssue(
                field: "last_confirmed", value: confirmed.description, rule: .notConfirmedFor(days: days),
                allowed: "details confirmed within a year")
        ]
    }
}
