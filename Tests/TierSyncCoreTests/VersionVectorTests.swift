import Testing

@testable import TierSyncCore

@Suite struct VersionVectorTests {
    let a = NodeID("00000000000000aa")!
    let b = NodeID("00000000000000bb")!
    let c = NodeID("00000000000000cc")!

    @Test("an edit made on top of another dominates it")
    func onTopDominates() {
        let first = VersionVector().incremented(for: a)
        let second = first.incremented(for: b)
        #expect(second.compare(to: first) == .dominates)
        #expect(first.compare(to: second) == .dominatedBy)
    }

    @Test("edits made without seeing each other are concurrent")
    func concurrent() {
        let base = VersionVector().incremented(for: a)
        let left = base.incremented(for: a)
        let right = base.incremented(for: b)
        #expect(left.compare(to: right) == .concurrent)
        #expect(right.compare(to: left) == .concurrent)
        #expect(left.merged(with: right).incremented(for: c).compare(to: left) == .dominates)
    }

    @Test("equal vectors compare equal, whatever order their entries were made in")
    func equality() {
        let one = VersionVector().incremented(for: b).incremented(for: a)
        let two = VersionVector().incremented(for: a).incremented(for: b)
        #expect(one.compare(to: two) == .equal)
        #expect(one == two)
        #expect(one.description == "00000000000000aa:1,00000000000000bb:1")
    }

    @Test("the text form round-trips and malformed text is refused")
    func textForm() {
        let vector = VersionVector([a: 3, c: 1])
        #expect(VersionVector(parsing: vector.description) == vector)
        #expect(VersionVector(parsing: "")! == VersionVector())
        for bad in [
            "x:1", "00000000000000aa:0", "00000000000000bb:1,00000000000000aa:1", "00000000000000aa",
            "00000000000000aa:1,",
        ] {
            #expect(VersionVector(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("compare is antisymmetric and merge is an upper bound (seeded random vectors)")
    func laws() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        let nodes = [a, b, c]
        func randomVector() -> VersionVector {
            VersionVector(Dictionary(uniqueKeysWithValues: nodes.map { ($0, UInt64.random(in: 0...3, using: &rng)) }))
        }
        for _ in 0..<2_000 {
            let x = randomVector()
            let y = randomVector()
            let expected: VersionVector.Ordering =
                switch x.compare(to: y) {
                case .dominates: .dominatedBy
                case .dominatedBy: .dominates
                case let other: other
                }
            #expect(y.compare(to: x) == expected, "seed \(seed)")
            let m = x.merged(with: y)
            #expect([.dominates, .equal].contains(m.compare(to: x)), "seed \(seed)")
            #expect([.dominates, .equal].contains(m.compare(to: y)), "seed \(seed)")
        }
    }
}
