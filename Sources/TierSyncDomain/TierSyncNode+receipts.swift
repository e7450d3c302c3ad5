import Foundation
import GRDB
import TierSyncCore
import TierSyncStore

/// Receipts: that a record reached a level, or was read there. A hub notes when a unit's
/// report or drill first arrives from below (the periods view shows it beside when it was
/// made); a node notes when a directive first arrives from above, and a person there reads
/// it. Receipts are synced records, so every level that sees the record sees them.
extension TierSyncNode {
    public static let receiptTable = "receipt"

    /// What a unit sends up whose arrival each level notes, and what comes down.
    public static let arrivalsFromBelow: Set<String> = [RecordKind.report.table, RecordKind.drill.table]
    public static let arrivalsFromAbove: Set<String> = [RecordKind.directive.table]

    /// A receipt as people read it.
    public struct Receipt: Codable, Sendable, Equatable {
        /// The level (org code) where it arrived or was read.
        public let level: String
        /// `arrived` or `read`.
        public let event: String
        public let at: String
        /// Who read it (a person's name, or the unit's).
        public let reader: String?
    }

    /// Notes, in this transaction, the first arrival here of the records of `changes` that
    /// came from `peer` and whose arrival is tracked in that direction.
    func noteArrivals(
        of changes: [FieldChange], from peer: Peer, directory: PeerDirectory, writer: inout ChangeWriter
    ) throws {
        let tracked: Set<String>
        switch peer {
        case .child: tracked = Self.arrivalsFromBelow
        case .parent: tracked = Self.arrivalsFromAbove
        }
        var seen: Set<String> = []
        for change in changes where tracked.contains(change.table) && seen.insert(change.record.rawValue).inserted {
            try noteReceipt(
                table: change.table, record: change.record, org: change.org, event: "arrived", directory: directory,
                writer: &writer)
        }
    }

    /// Writes a receipt unless this level already has one of `event` for the record.
    func noteReceipt(
        table: String, record: RecordID, org recordOrg: String, event: String, reader: String? = nil,
        directory: PeerDirectory, writer: inout ChangeWriter
    ) throws {
        try Self.noteReceipt(
            table: table, record: record, org: recordOrg, event: event, reader: reader, level: org,
            now: context(writer.db).now, directory: directory, in: writer.db, writer: &writer)
    }

    /// Writes, on either store, the receipt of `level` unless it already has one of `event`
    /// for the record; `sql` reads in the writer's transaction.
    static func noteReceipt(
        table: String, record: RecordID, org recordOrg: String, event: String, reader: String?, level: OrgUnit,
        now: Int64, directory: PeerDirectory, in sql: any SQLReader, writer: inout some RecordWriting
    ) throws {
        let exists = try !sql.rows(
            "SELECT 1 FROM receipt WHERE record = ? AND level = ? AND event = ? AND deleted = 0",
            [.text(record.rawValue), .text(level.code), .text(event)]
        ).isEmpty
        guard !exists else { return }
        let receipt = Self.receipt(
            table: table, record: record, org: recordOrg, event: event, reader: reader, at: now, level: level,
            directory: directory)
        try writer.insert(
            table: Self.receiptTable, id: RecordEdit.newRecordID(), org: receipt.owner, fields: receipt.fields)
    }

    /// The receipt that `level` writes of `event` for a record of `table` owned by `recordOrg`,
    /// at `now`: its owner and fields.
    public static func receipt(
        table: String, record: RecordID, org recordOrg: String, event: String, reader: String? = nil, at now: Int64,
        level: OrgUnit, directory: PeerDirectory
    ) -> (owner: String, fields: [String: FieldValue]) {
        // Owned where it will sync to every level that sees the record: the record's org when
        // it is below this node, this node's own org otherwise (a directive from above).
        let owner = directory.org(recordOrg, isWithin: level) ? recordOrg : level.code
        let at = DateTimeText.format(Date(timeIntervalSince1970: Double(now) / 1000))
        return (
            owner,
            [
                "tbl": .text(table), "record": .text(record.rawValue), "level": .text(level.code),
                "event": .text(event), "at": .text(at), "reader": reader.map(FieldValue.text) ?? .null,
            ]
        )
    }

    /// Marks a directive read here by this handle's person (or the unit).
    @discardableResult
    public func markRead(directive id: String) throws -> StoredRecord {
        try write { writer in
            try edit(.directive, writer.db).markRead(
                directive: id, reader: author?.name ?? org.name, directory: try writer.directory(), writer: &writer)
        }
    }

    /// The receipts of a record, oldest first.
    public func receipts(of id: String) throws -> [Receipt] {
        try store.read { db in try Self.receipts(of: id, in: db) }
    }

    /// The receipts of a record, oldest first, read on either store.
    public static func receipts(of id: String, in reader: any SQLReader) throws -> [Receipt] {
        try reader.rows(
            """
            SELECT level, event, at, reader FROM receipt
            WHERE record = ? AND deleted = 0 AND level IS NOT NULL AND event IS NOT NULL AND at IS NOT NULL
            ORDER BY \(reader.dialect.bytewise("at")), \(reader.dialect.bytewise("level")), \(reader.dialect.bytewise("event"))
            """, [.text(id.lowercased())]
        ).map { Receipt(level: $0[0], event: $0[1], at: $0[2], reader: $0[3]) }
    }
}

extension TierSyncNode {
    /// One unit a directive reaches, and whether it arrived there and was read.
    public struct DirectiveUnit: Codable, Sendable, Equatable {
        public let org: String
        public let name: String
        public let arrived: String?
        public let read: String?
        public let reader: String?
    }

    /// The units a directive reaches (those that run a node: the levels down to townships),
    /// in hierarchy order, each with its receipts.
    public func directiveReach(_ id: String) throws -> [DirectiveUnit] {
        try store.read { db in
            guard let recordID = RecordID(id), let directive = try fetch(.directive, recordID, db: db) else {
                throw DomainError.notFound(kind: RecordKind.directive.name, id: id)
            }
            return try Self.directiveReach(directive, in: db)
        }
    }

    /// `directiveReach` of a directive, read on either store.
    public static func directiveReach(_ directive: StoredRecord, in reader: any SQLReader) throws -> [DirectiveUnit] {
        guard let owner = try OrgUnit.find(directive.org, in: reader) else {
            throw DomainError.unknownOrg(directive.org)
        }
        let receipts = try receipts(of: directive.id.rawValue, in: reader)
        let share = directive["share"].textValue
        return try OrgUnit.subtree(of: owner, in: reader)
            .filter { [.city, .county, .township].contains($0.level) }
            .filter { OrgUnit.shared(ownerPath: owner.path, share: share, reaches: $0.path) }
            .map { unit in
                let arrived = receipts.first { $0.level == unit.code && $0.event == "arrived" }
                let read = receipts.first { $0.level == unit.code && $0.event == "read" }
                return DirectiveUnit(
                    org: unit.code, name: unit.name, arrived: arrived?.at, read: read?.at, reader: read?.reader)
            }
    }
}
