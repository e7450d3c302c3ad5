import Foundation

/// JSON of a table: rows as objects keyed by column key, so that scripts read
/// `rows[i].values.covered` and keep working when a column is added.
///
/// ```json
/// {"key":"summary","title":"…","columns":[{"key":"name","title":"单位","kind":"text"}],
///  "rows":[{"org":"520201","total":false,"values":{"name":"钟山区"}}],"totalRows":1}
/// ```
extension ReportTable: Encodable {
    private enum CodingKeys: String, CodingKey { case key, title, columns, rows, totalRows }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(title, forKey: .title)
        try container.encode(columns, forKey: .columns)
        try container.encode(rows.map { RowDocument(row: $0, columns: columns) }, forKey: .rows)
        try container.encode(totalRows, forKey: .totalRows)
    }

    /// One row with the column keys it needs to name its values.
    private struct RowDocument: Encodable {
        let row: Row
        let columns: [Column]

        private enum CodingKeys: String, CodingKey { case org, total, values }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(row.org, forKey: .org)
            try container.encode(row.isTotal, forKey: .total)
            var values = container.nestedContainer(keyedBy: ColumnKey.self, forKey: .values)
            for (column, cell) in zip(columns, row.cells) {
                try values.encode(cell, forKey: ColumnKey(stringValue: column.key))
            }
        }
    }

    private struct ColumnKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

extension ReportTable.Value: Encodable {
    /// Integers as JSON integers, other numbers as JSON numbers, nothing as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .empty: try container.encodeNil()
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 {
                try container.encode(Int(number))
            } else {
                try container.encode(number)
            }
        }
    }
}
