import GRDB
import TierSyncCore
import TierSyncSpreadsheet
import TierSyncStore

/// Spreadsheets a clerk fills in or reads: a kind's empty template with a sheet of allowed
/// values, and the node's records as a workbook whose headers the import takes back.
extension TierSyncNode {
    /// The template of `kind`: its headers (required ones marked *), then a sheet of the
    /// allowed values of each vocabulary column and of the units a row may name.
    public func templateSheets(_ kind: ImportKind) throws -> [Sheet] {
        Self.templateSheets(kind, vocabulary: vocabulary, units: try orgs(under: org.code))
    }

    /// The template of `kind` for a store with `vocabulary`, whose rows may name `units`.
    public static func templateSheets(_ kind: ImportKind, vocabulary: Vocabulary, units: [OrgUnit]) -> [Sheet] {
        let headers = ["所属单位"] + kind.fields.map { $0.label + ($0.required ? "*" : "") }
        var allowed: [[String]] = []
        for spec in kind.fields {
            switch spec.type {
            case .term(let terms), .terms(let terms):
                allowed.append([spec.label] + vocabulary.terms(of: terms).map(\.name))
            default: continue
            }
        }
        allowed.append(["所属单位（代码）"] + units.map(\.code))
        allowed.append(["单位名称"] + units.map(\.name))
        let height = allowed.map(\.count).max() ?? 0
        let values = (0..<height).map { row in allowed.map { row < $0.count ? Cell.text($0[row]) : .empty } }
        return [
            Sheet(name: kind.displayName, rows: [headers.map(Cell.text)]),
            Sheet(name: "可选值", rows: values),
        ]
    }

    /// The live records of `kinds` (default: every kind people enter), a sheet each: 记录编号,
    /// 所属单位, then the kind's fields by their Chinese labels, vocabulary keys as their names.
    public func exportSheets(_ kinds: [RecordKind] = RecordKind.editableKinds, under org: String? = nil) throws
        -> [Sheet]
    {
        try Self.exportSheets(kinds, names: try orgNames(), vocabulary: vocabulary) { try list($0, under: org) }
    }

    /// `exportSheets` of records `list` gives by kind, on either store.
    public static func exportSheets(
        _ kinds: [RecordKind], names: [String: String], vocabulary: Vocabulary,
        list: (RecordKind) throws -> [StoredRecord]
    ) throws -> [Sheet] {
        try kinds.map { kind in
            let headers = ["记录编号", "所属单位", "单位名称"] + kind.fields.map(\.label)
            let rows = try list(kind).map { record -> [Cell] in
                [.text(record.id.rawValue), .text(record.org), .text(names[record.org] ?? "")]
                    + kind.fields.map { spec in cell(record[spec.field], spec, vocabulary) }
            }
            return Sheet(name: kind.displayName, rows: [headers.map(Cell.text)] + rows)
        }
    }

    private static func cell(_ value: FieldValue, _ spec: FieldSpec, _ vocabulary: Vocabulary) -> Cell {
        switch (value, spec.type) {
        case (.null, _): return .empty
        case (.integer(let number), _): return .number(Double(number))
        case (.real(let number), _): return .number(number)
        case (.text(let key), .term(let terms)): return .text(vocabulary.name(of: key, kind: terms))
        case (.text(let keys), .terms(let terms)):
            return .text(
                keys.split(separator: ",").map { vocabulary.name(of: String($0), kind: terms) }.joined(separator: "、"))
        default: return .text(value.description)
        }
    }
}
