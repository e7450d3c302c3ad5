import PostgresNIO
import TierSyncCore
import TierSyncStore

/// How a PostgreSQL storage sends what it holds in bulk: each column of many rows as one
/// array parameter, read with `unnest`, so that a group's thousands of log entries and
/// records are a few statements of a few parameters, which the server parses and plans at
/// once, and not statements of a parameter per value.
extension PostgresMergeStorage {
    /// Sends the held log entries as statements of eight arrays, one per column, in order
    /// (`statementParts`): `seq` numbers them as they come.
    ///
    /// A statement of eight parameters a row took 2.5 times as long for a group's 6,400
    /// entries: the server parsed and planned a statement as long as the rows
    /// (BENCHMARKS.md, issue 13).
    func sendLog() throws {
        // About what an entry sends: its value, its vector, and the rest (ids, names, stamp).
        let size = { (change: FieldChange) in
            Self.size(of: change.value) + change.versionVector.entries.count * 40 + 120
        }
        for part in Self.statementParts(cache.log, size: size) { try sendLog(part) }
        cache.log = []
    }

    func sendLog(_ part: ArraySlice<FieldChange>) throws {
        var columns = (
            tables: [String](), records: [String](), orgs: [String](), fields: [String](), values: PostgresTextColumn(),
            stamps: [Int64](), nodes: [String](), vectors: [String]()
        )
        var vectors = VectorText()
        for change in part {
            columns.tables.append(change.table)
            columns.records.append(change.record.rawValue)
            columns.orgs.append(change.org)
            columns.fields.append(change.field)
            if case .text(let tagged) = PostgresValue.tagged(change.value) {
                columns.values.values.append(tagged)
            } else {
                columns.values.values.append(nil)
            }
            columns.stamps.append(change.hlc.rawValue)
            columns.nodes.append(change.node.rawValue)
            columns.vectors.append(vectors.text(of: change.versionVector))
        }
        var binds = PostgresBindings(capacity: 8)
        binds.append(columns.tables)
        binds.append(columns.records)
        binds.append(columns.orgs)
        binds.append(columns.fields)
        binds.append(columns.values)
        binds.append(columns.stamps)
        binds.append(columns.nodes)
        binds.append(columns.vectors)
        try session.query(Self.logInsertSQL, binds: binds)
    }

    /// `items` in consecutive parts of at most 10,000 rows and about 32 MB (by `size`), one
    /// statement each: a group of large pushes must not near PostgreSQL's limit of 1 GB on
    /// one message, and a part is large enough that its statement costs little.
    static func statementParts<Item>(_ items: [Item], size: (Item) -> Int) -> [ArraySlice<Item>] {
        var parts: [ArraySlice<Item>] = []
        var start = items.startIndex
        var bytes = 0
        for index in items.indices {
            if index > start, index - start == 10_000 || bytes >= 32 << 20 {
                parts.append(items[start..<index])
                (start, bytes) = (index, 0)
            }
            bytes += size(items[index])
        }
        if start < items.endIndex { parts.append(items[start...]) }
        return parts
    }

    static func size(of value: FieldValue) -> Int {
        if case .text(let text) = value { text.utf8.count } else { 20 }
    }

    static let logInsertSQL = """
        INSERT INTO change_log (tbl, record, org, field, value, hlc, node, vv)
        SELECT tbl, record, org, field, value, hlc, node, vv
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::text[])
            WITH ORDINALITY AS entry (tbl, record, org, field, value, hlc, node, vv, position)
        ORDER BY position
        """

    /// Upserts records of one table in one statement a part: each column sent as an array of text
    /// (`PostgresTextColumn`) and cast back to its type, as the log is sent, rather than a
    /// statement of a parameter per value, which took as long as the log's did.
    func sendRecords(_ states: ArraySlice<RecordState>) throws {
        let table = states.first!.table
        let columns = SyncedTable.bookkeepingColumns + table.fieldNames
        var values = Array(repeating: PostgresTextColumn(), count: columns.count)
        for state in states {
            values[0].values.append(state.id.rawValue)
            values[1].values.append(state.org)
            values[2].values.append(String(state.created.rawValue))
            values[3].values.append(String(state.updated.rawValue))
            values[4].values.append(state.deleted ? "1" : "0")
            values[5].values.append(state.versions.encoded)
            for (offset, field) in table.fields.enumerated() {
                values[6 + offset].values.append(Self.text(of: state.values[field.name] ?? .null))
            }
        }
        var binds = PostgresBindings(capacity: columns.count)
        for column in values { binds.append(column) }
        try session.query(Self.recordsUpsertSQL(table), binds: binds)
    }

    /// About how many bytes a record's row sends.
    static func size(of state: RecordState) -> Int {
        // The values, the versions' lines (about 80 bytes a field with a line of its own)
        // and the bookkeeping.
        state.values.values.reduce(120 + 80 * (state.versions.byField.count + 1)) { $0 + size(of: $1) }
    }

    /// A value as the text PostgreSQL casts back to its column's type: a real as the
    /// shortest text that reads back as the same double.
    static func text(of value: FieldValue) -> String? {
        switch value {
        case .null: nil
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): text
        }
    }

    static func recordsUpsertSQL(_ table: SyncedTable) -> String {
        let columns = SyncedTable.bookkeepingColumns + table.fieldNames
        let types =
            ["text", "text", "bigint", "bigint", "integer", "text"] + table.fields.map(PostgresSchema.type(of:))
        let arrays = columns.indices.map { "$\($0 + 1)::text[]" }.joined(separator: ", ")
        let casts = zip(columns, types).map { column, type in type == "text" ? column : "\(column)::\(type)" }
        let updates = columns.dropFirst(2).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO \(table.name) (\(columns.joined(separator: ", ")))
            SELECT \(casts.joined(separator: ", ")) FROM unnest(\(arrays)) AS incoming (\(columns.joined(separator: ", ")))
            ON CONFLICT (id) DO UPDATE SET \(updates)
            """
    }
}
