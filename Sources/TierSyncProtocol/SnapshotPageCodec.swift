import TierSyncCore

/// The snapshot page, encoded and decoded by hand like the pull page: a bootstrap moves a
/// million records.
///
/// ```json
/// {"records":[{"t":"contact","r":"6f96…","o":"520201101","c":117…,"u":117…,"d":false,
///   "vs":"* 117… 3f9a0c2e7b1d4456 3f9a0c2e7b1d4456:1","f":{"name":"张三"},
///   "k":[{"kind":"concurrent","f":"phone","v":"139…","h":117…,"n":"…","vv":"…","rv":true,"at":176…}]}],
///  "nodes":{"3f9a0c2e7b1d4456":"520201"},"position":42,"next":"contact/6f96…","total":1000}
/// ```
/// `k` (kept versions) is left out when empty, `next` when the snapshot is complete.
public enum SnapshotPageCodec {
    public static func encode(_ page: SnapshotResponse) -> [UInt8] {
        var writer = Writer()
        for record in page.records { writer.append(record) }
        return writer.finish(
            nodes: page.nodes, position: page.position, next: page.next, total: page.total, later: page.later)
    }

    /// Encodes a page as its records stream by, so that a hub holds no array of them.
    public struct Writer {
        private var text = "{\"records\":["
        private var count = 0

        public init() { text.reserveCapacity(1 << 20) }

        public mutating func append(_ record: RecordSnapshot) {
            if count > 0 { text.append(",") }
            count += 1
            SnapshotPageCodec.append(record, to: &text)
        }

        /// The page's bytes, with what follows its records.
        public mutating func finish(
            nodes: [String: String], position: Int64, next: String?, total: Int?, later: [WireChange] = []
        ) -> [UInt8] {
            text.append("],\"nodes\":")
            JSONText.appendNodes(nodes, to: &text)
            text.append(",\"position\":\(position)")
            if !later.isEmpty {
                text.append(",\"later\":[")
                for (index, change) in later.enumerated() {
                    if index > 0 { text.append(",") }
                    change.appendJSON(to: &text)
                }
                text.append("]")
            }
            if let next {
                text.append(",\"next\":")
                JSONText.appendString(next, to: &text)
            }
            if let total { text.append(",\"total\":\(total)") }
            text.append("}")
            return Array(text.utf8)
        }
    }

    /// Decodes a snapshot page; throws on anything that is not one (never crashes).
    public static func decode(_ bytes: [UInt8]) throws -> SnapshotResponse {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer)
            var page = SnapshotResponse(records: [], nodes: [:], position: -1, next: nil, total: nil)
            try reader.object { key, reader in
                switch key {
                case "records": try reader.array { reader in page.records.append(try decodeRecord(&reader)) }
                case "nodes": page.nodes = try PullPageCodec.decodeNodes(&reader)
                case "position": page.position = try reader.integer()
                case "next": page.next = try reader.string()
                case "total": page.total = Int(try reader.integer())
                case "later": page.later = try PullPageCodec.decodeChanges(&reader)
                default: try reader.skipValue()
                }
            }
            try reader.end()
            guard page.position >= 0 else { throw JSONReader.Failure("a snapshot page needs its position") }
            return page
        }
    }

    static func append(_ record: RecordSnapshot, to text: inout String) {
        text.append("{\"t\":")
        JSONText.appendString(record.table, to: &text)
        text.append(",\"r\":\"\(record.id.rawValue)\",\"o\":")
        JSONText.appendString(record.org, to: &text)
        text.append(
            ",\"c\":\(record.created.rawValue),\"u\":\(record.updated.rawValue),\"d\":\(record.deleted),\"vs\":")
        JSONText.appendString(record.versions, to: &text)
        text.append(",\"f\":{")
        for (index, field) in record.fields.enumerated() {
            if index > 0 { text.append(",") }
            JSONText.appendString(field.name, to: &text)
            text.append(":")
            JSONText.appendValue(field.value, to: &text)
        }
        text.append("}")
        if !record.kept.isEmpty {
            text.append(",\"k\":[")
            for (index, kept) in record.kept.enumerated() {
                if index > 0 { text.append(",") }
                text.append("{\"kind\":")
                JSONText.appendString(kept.kind, to: &text)
                text.append(",\"f\":")
                JSONText.appendString(kept.field, to: &text)
                text.append(",\"v\":")
                JSONText.appendValue(kept.versioned.value, to: &text)
                let version = kept.versioned.version
                text.append(
                    ",\"h\":\(version.hlc.rawValue),\"n\":\"\(version.node.rawValue)\",\"vv\":\"\(version.versionVector)\""
                        + ",\"rv\":\(kept.needsReview),\"at\":\(kept.detectedAt)}")
            }
            text.append("]")
        }
        text.append("}")
    }

    private static func decodeRecord(_ reader: inout JSONReader) throws -> RecordSnapshot {
        var t: String?, r: String?, o: String?, vs: String?
        var c: Int64?, u: Int64?, d: Bool?
        var fields: [RecordSnapshot.Field] = []
        var kept: [RecordSnapshot.Kept] = []
        try reader.object { key, reader in
            switch key {
            case "t": t = try reader.string()
            case "r": r = try reader.string()
            case "o": o = try reader.string()
            case "c": c = try reader.integer()
            case "u": u = try reader.integer()
            case "d": d = try reader.bool()
            case "vs": vs = try reader.string()
            case "f": try reader.object { field, reader in fields.append(.init(field, try reader.fieldValue())) }
            case "k": try reader.array { reader in kept.append(try decodeKept(&reader)) }
            default: try reader.skipValue()
            }
        }
        guard let t, let r, let o, let c, let u, let d, let vs else {
            throw JSONReader.Failure("a snapshot record needs t, r, o, c, u, d and vs")
        }
        guard let id = RecordID(r) else { throw JSONReader.Failure("record id '\(r)' is not a UUID") }
        return RecordSnapshot(
            table: t, id: id, org: o, created: HLCTimestamp(rawValue: c), updated: HLCTimestamp(rawValue: u),
            deleted: d, versions: vs, fields: fields, kept: kept)
    }

    private static func decodeKept(_ reader: inout JSONReader) throws -> RecordSnapshot.Kept {
        var kind: String?, f: String?, n: String?, vv: String?
        var v: FieldValue?
        var h: Int64?, at: Int64?
        var review: Bool?
        try reader.object { key, reader in
            switch key {
            case "kind": kind = try reader.string()
            case "f": f = try reader.string()
            case "v": v = try reader.fieldValue()
            case "h": h = try reader.integer()
            case "n": n = try reader.string()
            case "vv": vv = try reader.string()
            case "rv": review = try reader.bool()
            case "at": at = try reader.integer()
            default: try reader.skipValue()
            }
        }
        guard let kind, let f, let v, let h, let n, let vv, let review, let at else {
            throw JSONReader.Failure("a kept version needs kind, f, v, h, n, vv, rv and at")
        }
        guard let node = NodeID(n), let vector = VersionVector(parsing: vv) else {
            throw JSONReader.Failure("kept version of \(f): node '\(n)' or vector '\(vv)' is malformed")
        }
        return RecordSnapshot.Kept(
            kind: kind, field: f,
            versioned: VersionedValue(
                value: v, version: FieldVersion(hlc: HLCTimestamp(rawValue: h), node: node, versionVector: vector)),
            needsReview: review, detectedAt: at)
    }
}
