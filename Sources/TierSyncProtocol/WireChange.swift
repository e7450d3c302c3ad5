import TierSyncCore

/// A field change as it travels in bundles and in HTTP push and pull pages: one compact JSON
/// object per change.
///
/// ```json
/// {"t":"contact","r":"6f9619ff-…","o":"520201101","f":"phone","v":"13900000001","h":117…,"n":"3f9a0c2e7b1d4456","vv":"3f9a0c2e7b1d4456:1"}
/// ```
/// `h` is the raw hybrid-logical-clock stamp (milliseconds << 16 | counter); `vv` the version
/// vector's canonical text.
public struct WireChange: Codable, Sendable, Equatable {
    public var t: String
    public var r: String
    public var o: String
    public var f: String
    public var v: FieldValue
    public var h: Int64
    public var n: String
    public var vv: String

    /// The change, or a description of what is malformed.
    public func change() throws -> FieldChange {
        guard let record = RecordID(r) else {
            throw WireChangeError(
                key: "r", what: "record id", value: r, allowed: "a UUID such as 6f9619ff-8b86-d011-b42d-00c04fc964ff")
        }
        guard let node = NodeID(n) else {
            throw WireChangeError(key: "n", what: "node id", value: n, allowed: "16 lowercase hex digits")
        }
        guard let vector = VersionVector(parsing: vv) else {
            throw WireChangeError(
                key: "vv", what: "version vector", value: vv,
                allowed: "node:count pairs joined by commas, such as 3f9a0c2e7b1d4456:1")
        }
        guard h > 0 else {
            throw WireChangeError(
                key: "h", what: "stamp", value: String(h), allowed: "a positive hybrid-logical-clock stamp")
        }
        return FieldChange(
            table: t, record: record, org: o, field: f, value: v, hlc: HLCTimestamp(rawValue: h), node: node,
            versionVector: vector)
    }

    /// The change as one JSON line, written by hand: this is the hot path of export.
    public static func jsonLine(_ change: FieldChange) -> String {
        var line = ""
        WireChange(change).appendJSON(to: &line)
        line += "\n"
        return line
    }

    /// Appends this change as a JSON object, in the key order of the examples.
    public func appendJSON(to line: inout String) {
        line += "{\"t\":"
        JSONText.appendString(t, to: &line)
        line += ",\"r\":"
        JSONText.appendString(r, to: &line)
        line += ",\"o\":"
        JSONText.appendString(o, to: &line)
        line += ",\"f\":"
        JSONText.appendString(f, to: &line)
        line += ",\"v\":"
        JSONText.appendValue(v, to: &line)
        line += ",\"h\":" + String(h) + ",\"n\":"
        JSONText.appendString(n, to: &line)
        line += ",\"vv\":"
        JSONText.appendString(vv, to: &line)
        line += "}"
    }
}

/// JSON string escaping (RFC 8259), for hand-written lines.
enum JSONText {
    /// `{"node":"org",…}` in node order, so that equal pages are equal bytes.
    static func appendNodes(_ nodes: [String: String], to output: inout String) {
        output.append("{")
        for (index, (node, org)) in nodes.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { output.append(",") }
            appendString(node, to: &output)
            output.append(":")
            appendString(org, to: &output)
        }
        output.append("}")
    }

    static func appendValue(_ value: FieldValue, to output: inout String) {
        switch value {
        case .null: output += "null"
        case .integer(let value): output += String(value)
        case .real(let value): output += value.isFinite ? "\(value)" : "null"
        case .text(let text): appendString(text, to: &output)
        }
    }

    static func appendString(_ text: String, to output: inout String) {
        // Most strings (ids, codes, names) need no escape: append them whole.
        let plain =
            text.utf8.withContiguousStorageIfAvailable { bytes in
                !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
            } ?? !text.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
        if plain {
            output.append("\"")
            output.append(text)
            output.append("\"")
            return
        }
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }
}
