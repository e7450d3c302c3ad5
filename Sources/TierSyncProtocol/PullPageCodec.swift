import TierSyncCore

/// The pull page, encoded and decoded by hand: a bootstrap moves millions of changes, and
/// Foundation's Codable JSON took most of its time (see BENCHMARKS.md). The bytes are the same
/// JSON as `PullResponse`'s Codable form, so either side may use either.
public enum PullPageCodec {
    /// `{"changes":[…],"nodes":{…},"next":N,"more":B,"last":N}`.
    public static func encode(_ page: PullResponse) -> [UInt8] {
        var text = changesAndNodes(page.changes, page.nodes)
        text.append(",\"next\":\(page.next),\"more\":\(page.more)")
        if let last = page.last { text.append(",\"last\":\(last)") }
        text.append("}")
        return Array(text.utf8)
    }

    /// Decodes a pull page; throws on anything that is not one (never crashes).
    public static func decode(_ bytes: [UInt8]) throws -> PullResponse {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer)
            var changes: [WireChange] = []
            var nodes: [String: String] = [:]
            var next: Int64?
            var more: Bool?
            var last: Int64?
            try reader.object { key, reader in
                switch key {
                case "changes": changes = try decodeChanges(&reader)
                case "nodes": nodes = try decodeNodes(&reader)
                case "next": next = try reader.integer()
                case "more": more = try reader.bool()
                case "last": last = try reader.integer()
                default: try reader.skipValue()
                }
            }
            try reader.end()
            guard let next, let more else { throw JSONReader.Failure("a pull page needs next and more") }
            return PullResponse(changes: changes, nodes: nodes, next: next, more: more, last: last)
        }
    }

    /// `{"changes":[…],"nodes":{…}` (the object left open), what every page starts with.
    static func changesAndNodes(_ changes: [WireChange], _ nodes: [String: String]) -> String {
        var text = "{\"changes\":["
        text.reserveCapacity(changes.count * 180 + 64)
        for (index, change) in changes.enumerated() {
            if index > 0 { text.append(",") }
            change.appendJSON(to: &text)
        }
        text.append("],\"nodes\":")
        JSONText.appendNodes(nodes, to: &text)
        return text
    }

    static func decodeChanges(_ reader: inout JSONReader) throws -> [WireChange] {
        var changes: [WireChange] = []
        try reader.array { reader in changes.append(try decodeChange(&reader)) }
        return changes
    }

    static func decodeNodes(_ reader: inout JSONReader) throws -> [String: String] {
        var nodes: [String: String] = [:]
        try reader.object { node, reader in nodes[node] = try reader.string() }
        return nodes
    }

    static func decodeChange(_ reader: inout JSONReader) throws -> WireChange {
        var t: String?, r: String?, o: String?, f: String?, n: String?, vv: String?
        var v: FieldValue?
        var h: Int64?
        try reader.object { key, reader in
            switch key {
            case "t": t = try reader.string()
            case "r": r = try reader.string()
            case "o": o = try reader.string()
            case "f": f = try reader.string()
            case "v": v = try reader.fieldValue()
            case "h": h = try reader.integer()
            case "n": n = try reader.string()
            case "vv": vv = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let t, let r, let o, let f, let v, let h, let n, let vv else {
            throw JSONReader.Failure("a change needs t, r, o, f, v, h, n and vv")
        }
        return WireChange(t: t, r: r, o: o, f: f, v: v, h: h, n: n, vv: vv)
    }
}

/// The push page, encoded and decoded by hand like the pull page: the same JSON as
/// `PushRequest`'s Codable form.
public enum PushPageCodec {
    /// `{"changes":[…],"nodes":{…},"upTo":N}`.
    public static func encode(_ page: PushRequest) -> [UInt8] {
        var text = PullPageCodec.changesAndNodes(page.changes, page.nodes)
        text.append(",\"upTo\":\(page.upTo)}")
        return Array(text.utf8)
    }

    /// Decodes a push page; throws on anything that is not one (never crashes).
    public static func decode(_ bytes: [UInt8]) throws -> PushRequest {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer)
            var changes: [WireChange]?
            var nodes: [String: String] = [:]
            var upTo: Int64?
            try reader.object { key, reader in
                switch key {
                case "changes": changes = try PullPageCodec.decodeChanges(&reader)
                case "nodes": nodes = try PullPageCodec.decodeNodes(&reader)
                case "upTo": upTo = try reader.integer()
                default: try reader.skipValue()
                }
            }
            try reader.end()
            guard let changes, let upTo else { throw JSONReader.Failure("a push page needs changes and upTo") }
            return PushRequest(changes: changes, nodes: nodes, upTo: upTo)
        }
    }
}
