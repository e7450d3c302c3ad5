import Testing

@testable import TierSyncCore

@Suite struct IdentifierTests {
    @Test("record ids are UUIDs, stored lowercased; anything else is refused")
    func recordIDs() {
        #expect(RecordID("6F9619FF-8B86-D011-B42D-00C04FC964FF")?.rawValue == "6f9619ff-8b86-d011-b42d-00c04fc964ff")
        #expect(RecordID("42") == nil)
        #expect(RecordID("6f9619ff-8b86-d011-b42d-00c04fc964fg") == nil)
        var rng = SplitMix64(seed: 1)
        let random = RecordID.random(using: &rng)
        #expect(RecordID(random.rawValue) == random)
        #expect(Array(random.rawValue)[14] == "4")
    }

    @Test("node ids are 16 lowercase hex digits")
    func nodeIDs() {
        var rng = SplitMix64(seed: 2)
        let id = NodeID.random(using: &rng)
        #expect(id.rawValue.count == 16)
        #expect(NodeID(id.rawValue) == id)
        #expect(NodeID("ABCDEF0123456789") == nil)
        #expect(NodeID("abc") == nil)
    }

    @Test("field versions round-trip through their text form; damaged text is refused")
    func fieldVersions() {
        let node = NodeID("00000000000000aa")!
        var versions = FieldVersions(initial: .first(hlc: HLCTimestamp(physical: 5, counter: 1), node: node))
        versions["name"] = .localEdit(
            onTopOf: [versions.version(of: "name", isSet: true)!.versionVector], recordClock: versions.recordClock,
            hlc: HLCTimestamp(physical: 6, counter: 0), node: NodeID("00000000000000bb")!)
        #expect(FieldVersions(parsing: versions.encoded) == versions)
        #expect(versions.encoded.hasPrefix("* "))
        #expect(
            versions.version(of: "name", isSet: true)!.versionVector.description
                == "00000000000000aa:1,00000000000000bb:1")
        #expect(versions.version(of: "phone", isSet: true)!.versionVector.description == "00000000000000aa:1")
        #expect(versions.version(of: "post", isSet: false) == nil)
        #expect(FieldVersions(parsing: "phone 12 nothex 00000000000000aa:1") == nil)
        #expect(FieldVersions(parsing: "") == FieldVersions())
    }

    @Test("field versions' text has the seen line, then the initial line, then each field's in name order")
    func fieldVersionsText() {
        let (a, b) = (NodeID("00000000000000aa")!, NodeID("00000000000000bb")!)
        var versions = FieldVersions(initial: .first(hlc: HLCTimestamp(rawValue: 0), node: a))
        versions["phone"] = FieldVersion(
            hlc: HLCTimestamp(rawValue: Int64.max), node: b, versionVector: VersionVector([a: 1, b: UInt64.max]))
        versions["name"] = FieldVersion(
            hlc: HLCTimestamp(rawValue: 1_764_000_000_000 << 16), node: a, versionVector: VersionVector([a: 2]))
        versions.noteSeen(VersionVector([b: 10]))
        #expect(
            versions.encoded == """
                @ 0 0000000000000000 00000000000000bb:10
                * 0 00000000000000aa 00000000000000aa:1
                name 115605504000000000 00000000000000aa 00000000000000aa:2
                phone 9223372036854775807 00000000000000bb 00000000000000aa:1,00000000000000bb:18446744073709551615
                """)
        #expect(FieldVersions(parsing: versions.encoded) == versions)
        var digits: [UInt8] = []
        for value: Int64 in [0, 7, 10, -1, Int64.min, Int64.max] {
            digits.removeAll()
            digits.appendDecimal(value)
            #expect(String(decoding: digits, as: UTF8.self) == String(value))
        }
    }

    @Test("calendar dates are strict: real days only, exactly YYYY-MM-DD")
    func civilDates() {
        #expect(CivilDate(parsing: "2028-02-29")?.description == "2028-02-29")
        for bad in ["2026-02-29", "2026-02-30", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01", "2026-01-01x"] {
            #expect(CivilDate(parsing: bad) == nil, "\(bad)")
        }
        #expect(CivilDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CivilDate(daysSinceEpoch: 20_513).description == "2026-03-01")
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days, "day \(days)")
        }
    }
}
