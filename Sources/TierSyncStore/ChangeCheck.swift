import TierSyncCore

/// The checks a remote change passes before it is merged, whatever the backend: names,
/// vector, org, clock skew and the value's type. Pure functions of the change.
enum ChangeCheck {
    struct Refusal: Error { let reason: String }

    /// The change's table and field (nil for `_deleted`) when it can be applied; nil for a
    /// well-formed change of a table or field this release does not know; why not otherwise.
    static func check(
        _ change: FieldChange, tables: [String: SyncedTable], now: Int64, skewBound: Int64
    ) -> Result<(SyncedTable, SyncedTable.Field?)?, Refusal> {
        if let refusal = refusal(of: change, now: now, skewBound: skewBound) { return .failure(refusal) }
        guard let table = tables[change.table], isIdentifier(change.field) else {
            return isIdentifier(change.table) && isIdentifier(change.field)
                ? .success(nil)
                : .failure(
                    .init(
                        reason: "table and field names are letters, digits and _, not '\(change.table).\(change.field)'"
                    ))
        }
        var field: SyncedTable.Field?
        if change.field == FieldChange.deletedField {
            guard change.value == .integer(0) || change.value == .integer(1) else {
                return .failure(.init(reason: "\(FieldChange.deletedField) must be 0 or 1, not '\(change.value)'"))
            }
        } else {
            guard let known = table.field(named: change.field) else { return .success(nil) }
            if let refusal = valueRefusal(known, change.value) { return .failure(refusal) }
            field = known
        }
        return .success((table, field))
    }

    /// Why a change cannot be taken whatever its table (its vector, org or stamp); nil when it can.
    static func refusal(of change: FieldChange, now: Int64, skewBound: Int64) -> Refusal? {
        guard change.versionVector[change.node] > 0 else {
            return .init(
                reason: "its version vector \(change.versionVector) does not count its own node \(change.node)")
        }
        if let refusal = orgRefusal(change.org) { return refusal }
        let skew = change.hlc.physical - now
        if skew > skewBound {
            return .init(
                reason:
                    "its stamp \(change.hlc.isoTime) is \(duration(skew)) ahead of this node's clock (node \(change.node) has a wrong clock; at most \(duration(skewBound)) is accepted)"
            )
        }
        return nil
    }

    /// True for a name a later release could give a table or field: 1 to 64 ASCII letters,
    /// digits and `_`, not starting with a digit.
    static func isIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (1...64).contains(bytes.count) && !(48...57).contains(bytes[0])
            && bytes.allSatisfy {
                (97...122).contains($0) || (65...90).contains($0) || (48...57).contains($0) || $0 == 95
            }
    }

    /// Why `org` is not an org code (1 to 32 ASCII letters and digits); nil when it is.
    static func orgRefusal(_ org: String) -> Refusal? {
        let isCode =
            (1...32).contains(org.utf8.count)
            && org.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            }
        return isCode ? nil : Refusal(reason: "org '\(org)' is not an org code")
    }

    /// Why `value` does not fit `field`; nil when it does.
    static func valueRefusal(_ field: SyncedTable.Field, _ value: FieldValue) -> Refusal? {
        field.mismatch(value).map { Refusal(reason: "field \(field.name) holds \($0), not '\(value)'") }
    }

    static func duration(_ milliseconds: Int64) -> String {
        let minutes = milliseconds / 60_000
        return minutes >= 120 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min \(milliseconds / 1000 % 60) s"
    }
}

extension SyncedTable.Field {
    /// What the field holds, when `value` is of another type; nil when it fits.
    func mismatch(_ value: FieldValue) -> String? {
        switch (affinity, value) {
        // NUL ends a C string: text holding it would not read back the same everywhere
        // (PostgreSQL refuses it outright).
        case (.text, .text(let text)) where text.utf8.contains(0): return "text without the NUL character (U+0000)"
        case (_, .null), (.text, .text), (.integer, .integer), (.real, .real), (.real, .integer): return nil
        case (.text, _): return "text"
        case (.integer, _): return "a whole number"
        case (.real, _): return "a number"
        }
    }
}
