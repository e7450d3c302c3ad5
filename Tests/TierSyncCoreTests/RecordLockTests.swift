import Testing

@testable import TierSyncCore

/// An approval's lock as the merge sees it: which versions are pending amendments, which are
/// forbidden, and how they rank.
@Suite struct RecordLockTests {
    let township = NodeID("00000000000000aa")!
    let county = NodeID("00000000000000bb")!
    let townshipPath = "520000/520200/520201/520201101"
    let countyPath = "520000/520200/520201"
    let cityPath = "520000/520200"

    func version(_ node: NodeID, _ vector: [NodeID: UInt64]) -> FieldVersion {
        FieldVersion(hlc: HLCTimestamp(physical: 1_000, counter: 0), node: node, versionVector: VersionVector(vector))
    }

    /// The county approved after seeing the township's first two writes to the record.
    var lock: RecordLock {
        RecordLock(version: version(county, [township: 2, county: 1]), approverPath: countyPath)
    }

    @Test("an edit from below that the approval did not see is a pending amendment; one it saw is approved content")
    func amendments() {
        #expect(lock.isAmendment(version(township, [township: 3]), originPath: townshipPath))
        #expect(!lock.isAmendment(version(township, [township: 2]), originPath: townshipPath))
        #expect(!lock.isAmendment(version(township, [township: 1]), originPath: townshipPath))
    }

    @Test("edits by the approving unit or a unit above it are never amendments")
    func fromAbove() {
        let concurrent = version(county, [county: 5])
        #expect(!lock.isAmendment(concurrent, originPath: countyPath))
        #expect(!lock.isAmendment(concurrent, originPath: cityPath))
        #expect(lock.isAmendment(concurrent, originPath: nil), "a node this one does not know counts as below")
        #expect(!lock.isBelowApprover(originPath: "520000"))
        #expect(lock.isBelowApprover(originPath: "520000/520200/520203"), "a sibling of the approver is not above it")
        #expect(lock.isBelowApprover(originPath: "520000/520200/5202"), "a path prefix is not an ancestor")
    }

    func path(_ node: NodeID) -> String? { [township: townshipPath, county: countyPath][node] }

    /// Whether `lock` forbids `edit` at a node that has seen `seen` of the record.
    func forbids(_ edit: FieldVersion, seen: [NodeID: UInt64], originPath: String?) -> Bool {
        lock.isForbidden(edit, originPath: originPath, seen: VersionVector(seen), pathOfNode: path)
    }

    @Test("an edit from below made on top of the approval is forbidden; the approval itself is not")
    func forbidden() {
        let seen: [NodeID: UInt64] = [township: 2, county: 4]
        #expect(forbids(version(township, [township: 3, county: 1]), seen: seen, originPath: townshipPath))
        #expect(!forbids(version(township, [township: 3]), seen: seen, originPath: townshipPath))
        #expect(!forbids(version(county, [township: 2, county: 2]), seen: seen, originPath: countyPath))
    }

    @Test(
        "an edit on top of the approval whose maker saw more of the approver's writes (a withdrawal not yet here) is not forbidden"
    )
    func madeAfterAWithdrawal() {
        // The county approved (county:1), restated (county:2), then withdrew it (county:3);
        // the township edited after that. This node has seen only the first two.
        let edit = version(township, [township: 3, county: 3])
        #expect(!forbids(edit, seen: [township: 2, county: 2], originPath: townshipPath))
        #expect(forbids(edit, seen: [township: 2, county: 3], originPath: townshipPath))
        // Unseen writes of a node below the approver cannot withdraw it.
        let sibling = NodeID("00000000000000cc")!
        let withSibling = version(township, [township: 3, county: 2, sibling: 4])
        #expect(
            lock.isForbidden(
                withSibling, originPath: townshipPath, seen: VersionVector([township: 2, county: 2]),
                pathOfNode: { $0 == sibling ? "520000/520200/520201/520201102" : path($0) }))
    }

    @Test("an amendment ranks below every approved version, whatever the policy rank")
    func ranking() {
        let amendment = version(township, [township: 3])
        let approved = version(county, [township: 2, county: 2])
        #expect(
            lock.rank(amendment, originPath: townshipPath, policyRank: 1)
                < lock.rank(approved, originPath: countyPath, policyRank: -1_000))
        #expect(lock.rank(approved, originPath: countyPath, policyRank: 0) == 0)
    }
}
