import Testing

@testable import TierSyncCore

@Suite struct MergePolicyTests {
    let township = "520000/520200/520201/520201101"
    let county = "520000/520200/520201"

    @Test("owner wins ranks the owning org's edits above others")
    func ownerWins() {
        let policy = MergePolicy(.ownerWins)
        #expect(policy.rank(origin: township, owner: township) > policy.rank(origin: county, owner: township))
        #expect(policy.rank(origin: nil, owner: township) == policy.rank(origin: county, owner: township))
    }

    @Test("upper level wins ranks shallower orgs higher and unknown orgs lowest")
    func upperLevelWins() {
        let policy = MergePolicy(.upperLevelWins)
        #expect(policy.rank(origin: county, owner: township) > policy.rank(origin: township, owner: township))
        #expect(policy.rank(origin: nil, owner: township) < policy.rank(origin: township, owner: township))
    }

    @Test("field overrides take precedence over the table's policy")
    func overrides() {
        let policies = MergePolicies(
            tables: ["plan": MergePolicy(.ownerWins)],
            fields: ["plan": ["filing_verdict": MergePolicy(.upperLevelWins)]])
        #expect(policies.policy(table: "plan", field: "title").winner == .ownerWins)
        #expect(policies.policy(table: "plan", field: "filing_verdict").winner == .upperLevelWins)
        #expect(policies.policy(table: "other", field: "x") == .lastWriterWins)
    }

    @Test("policies changed after they are made are the ones looked up; a table with field overrides only falls back")
    func changedLater() {
        var policies = MergePolicies(fields: ["plan": ["filing_verdict": MergePolicy(.upperLevelWins)]])
        #expect(policies.policy(table: "plan", field: "title") == .lastWriterWins)
        #expect(policies.policy(table: "plan", field: "filing_verdict").winner == .upperLevelWins)
        policies.tables["plan"] = MergePolicy(.ownerWins)
        #expect(policies.policy(table: "plan", field: "title").winner == .ownerWins)
        policies.fields["plan"]?["title"] = MergePolicy(.appendOnly)
        #expect(policies.policy(table: "plan", field: "title").winner == .appendOnly)
        policies.fallback = MergePolicy(.upperLevelWins)
        #expect(policies.policy(table: "task", field: "state").winner == .upperLevelWins)
        #expect(policies.policy(table: "plan", field: "filing_verdict").winner == .upperLevelWins)
    }
}
