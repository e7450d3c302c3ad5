/// The current version of every field of one record, in a compact text form that the
/// store keeps in the record's own row.
///
/// Keeping versions in the row, rather than in a table of their own, makes a local write
/// one row write plus its log entries (see BENCHMARKS.md). The fields set when a record is
/// created share one version, kept once on a `*` line; a field edited later gets a line of
/// its own, `field hlc node vector`. An `@` line keeps the vector of versions the record
/// has seen that are no field's current version (conflict losers), so that the record clock
/// below accounts for them. Parsing and encoding work on UTF-8 bytes because every update
/// does both.
///
/// ```swift
/// var versions = FieldVersions(initial: .first(hlc: stamp, node: me))
/// versions["phone"] = FieldVersion.localEdit(
///     onTopOf: [versions.version(of: "phone", isSet: true)!.versionVector],
///     recordClock: versions.recordClock, hlc: later, node: me)
/// FieldVersions(parsing: versions.encoded) == versions   // true
/// ```
public struct FieldVersions: Hashable, Sendable {
    /// The version of every field set when the record was created and not edited since.
    public private(set) var initial: FieldVersion?
    /// Versions of fields edited after creation (and of `_deleted`).
    public private(set) var byField: [String: FieldVersion]
    /// Versions seen that are no field's current version: kept conflict losers.
    public private(set) var seenElsewhere: VersionVector

    public init(initial: FieldVersion? = nil, _ byField: [String: FieldVersion] = [:]) {
        self.initial = initial
        self.byField = byField
        self.seenElsewhere = VersionVector()
    }

    /// Everything this record has seen, across all its fields: for each node, how many of its
    /// writes to the record are known here. A node's next write to the record counts one more
    /// than its entry, so vectors of different fields of one record are comparable (which is
    /// how a delete knows which edits it was made on top of).
    public var recordClock: VersionVector {
        var clock = initial?.versionVector ?? VersionVector()
        for version in byField.values { clock = clock.merged(with: version.versionVector) }
        return clock.merged(with: seenElsewhere)
    }

    /// Records that the record has seen `vector` (a version kept outside the row).
    public mutating func noteSeen(_ vector: VersionVector) {
        seenElsewhere = seenElsewhere.merged(with: vector)
    }

    /// A field's own version line, if it has one.
    public subscript(field: String) -> FieldVersion? {
        get { byField[field] }
        set { byField[field] = newValue }
    }

    /// The version of a field's current value: its own line, or, when it holds a value and
    /// has no line, the record's initial version. Nil for a field that was never set.
    public func version(of field: String, isSet: Bool) -> FieldVersion? {
        byField[field] ?? (isSet ? initial : nil)
    }

    /// These versions with fields that share one version (every field of a record received
    /// from its creator, say) folded into the `*` line: the same meaning, fewer bytes.
    ///
    /// - Parameter isSet: whether a field holds a value; a field set to null keeps its line.
    public func folded(isSet: (String) -> Bool) -> FieldVersions {
        guard initial == nil, byField.count > 1, let first = byField.first?.value,
            byField.allSatisfy({ $0.value == first && isSet($0.key) })
        else { return self }
        var folded = FieldVersions(initial: first)
        folded.seenElsewhere = seenElsewhere
        return folded
    }

    public var encoded: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((byField.count + 1) * 72)
        // A record as created (one shared version, nothing else) is most records: written
        // without sorting.
        if byField.isEmpty, seenElsewhere.entries.isEmpty, let initial {
            Self.append(Self.initialKey, initial, to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        if !seenElsewhere.entries.isEmpty {
            bytes.append(contentsOf: Self.seenKey.utf8)
            bytes.append(contentsOf: " 0 0000000000000000 ".utf8)
            seenElsewhere.append(to: &bytes)
        }
        if let initial { Self.append(Self.initialKey, initial, to: &bytes) }
        for field in byField.keys.sorted() { Self.append(field, byField[field]!, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one line, `field hlc node vector`, after a line break unless it is the first.
    private static func append(_ field: String, _ version: FieldVersion, to bytes: inout [UInt8]) {
        if !bytes.isEmpty { bytes.append(UInt8(ascii: "\n")) }
        bytes.append(contentsOf: field.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.appendDecimal(version.hlc.rawValue)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: version.node.rawValue.utf8)
        bytes.append(UInt8(ascii: " "))
        version.versionVector.append(to: &bytes)
    }

    static let initialKey = "*"
    static let seenKey = "@"

    /// Parses `encoded`; nil when any line is malformed, so corruption is never half-read.
    public init?(parsing text: String) {
        var byField: [String: FieldVersion] = [:]
        var initial: FieldVersion?
        var seenElsewhere = VersionVector()
        var text = text
        let parsed = text.withUTF8 { bytes -> Bool in
            var scanner = ByteScanner(bytes: bytes)
            while !scanner.atEnd {
                guard let field = scanner.string(upTo: 0x20), let raw = scanner.integer(upTo: 0x20),
                    let node = scanner.nodeID(), scanner.skip(0x20),
                    let vector = VersionVector(scanning: &scanner), scanner.atEnd || scanner.skip(0x0A)
                else { return false }
                let version = FieldVersion(hlc: HLCTimestamp(rawValue: Int64(raw)), node: node, versionVector: vector)
                switch field {
                case Self.initialKey: initial = version
                case Self.seenKey: seenElsewhere = vector
                default: byField[field] = version
                }
            }
            return true
        }
        guard parsed else { return nil }
        self.initial = initial
        self.byField = byField
        self.seenElsewhere = seenElsewhere
    }
}
