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

    @Test(
        "an edit from below made on top of the approval is an amendment too (its maker may have seen a withdrawal not yet here)"
    )
    func onTopOfTheApproval() {
        #expect(lock.isAmendment(version(township, [township: 3, county: 1]), originPath: townshipPath))
        #expect(lock.isAmendment(version(township, [township: 3, county: 3]), originPath: townshipPath))
        #expect(!lock.isAmendment(version(county, [township: 2, county: 2]), originPath: countyPath))
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
