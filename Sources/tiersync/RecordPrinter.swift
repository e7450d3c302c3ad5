import TierSyncCore
import TierSyncDomain
import TierSyncStore

/// Renders records for people: vocabulary keys as their Chinese names, orgs by name.
struct RecordPrinter {
    let vocabulary: Vocabulary
    let orgNames: [String: String]

    init(vocabulary: Vocabulary, orgs: [OrgUnit]) {
        self.vocabulary = vocabulary
        self.orgNames = Dictionary(orgs.map { ($0.code, $0.name) }) { first, _ in first }
    }

    init(node: TierSyncNode) {
        self.init(vocabulary: node.vocabulary, orgs: (try? node.orgs()) ?? [])
    }

    /// One row per record: id, org, then the kind's shorter fields.
    func table(_ kind: RecordKind, _ records: [StoredRecord]) {
        let columns = kind.fields.filter { spec in
            if case .text(let maxLength) = spec.type { return maxLength <= 200 || spec.required }
            return true
        }
        Output.table(
            ["id", "org"] + columns.map(\.flag),
            records.map { record in
                [record.id.rawValue + (record.deleted ? " (deleted)" : ""), orgNames[record.org] ?? record.org]
                    + columns.map { cell($0, record[$0.field]) }
            })
        Output.line("\(records.count) \(kind.name) record\(records.count == 1 ? "" : "s")")
    }

    /// Every field of one record, one per line.
    func detail(_ kind: RecordKind, _ record: StoredRecord) {
        var rows = [
            ("id", record.id.rawValue), ("org", "\(record.org) \(orgNames[record.org] ?? "")"),
            ("created", record.created.isoTime), ("updated", record.updated.isoTime),
        ]
        if record.deleted { rows.append(("deleted", "yes")) }
        for spec in kind.fields {
            let value = record[spec.field]
            let shown = cell(spec, value)
            rows.append((spec.flag, shown == value.description || value.isNull ? shown : "\(shown) (\(value))"))
        }
        if case .text(let note) = record["filing_note"] { rows.append(("filing-note", note)) }
        if let approval = Approval(record) {
            rows.append(
                (
                    "approved",
                    "\(orgNames[approval.org] ?? approval.org) (\(approval.approver), \(approval.at))"
                        + (approval.note.map { ": \($0)" } ?? "")
                ))
        }
        let width = rows.map { Output.width(of: $0.0) }.max() ?? 0
        for (name, value) in rows {
            Output.line(name + ":" + String(repeating: " ", count: width - Output.width(of: name) + 1) + value)
        }
    }

    func cell(_ spec: FieldSpec, _ value: FieldValue) -> String {
        switch spec.type {
        case .term(let kind):
            return value.textValue.map { vocabulary.name(of: $0, kind: kind) } ?? value.description
        case .terms(let kind):
            return value.textValue.map {
                $0.split(separator: ",").map { vocabulary.name(of: String($0), kind: kind) }.joined(separator: "、")
            } ?? ""
        case .org:
            return value.textValue.map { orgNames[$0] ?? $0 } ?? ""
        default:
            return value.description
        }
    }
}
