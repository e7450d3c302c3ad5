import Foundation
import GRDB
import Testing
import TierSyncDomain
import TierSyncReports
import TierSyncStore

@testable import TierSyncDashboard

/// The overview's reports are kept per log position: answered at once while the log stands
/// still, answered from the older position (saying so) while a refresh runs once it moves.
@Suite struct RollupCacheTests {
    let fixture: DashboardFixture
    init() throws { fixture = try DashboardFixture() }

    /// The number of drills in the city's overview, as the page shows it.
    func drills(_ data: DashboardData) -> String? {
        OverviewPage(data).figures.first { $0.key == "drills" }?.value
    }

    func load(_ cache: RollupCache) throws -> DashboardData {
        let city = try fixture.unit("520200")
        return try DashboardData.load(
            hub: fixture.node, org: city, scope: city, options: DashboardFixture.options, cache: cache)
    }

    @Test("while the log stands still, the kept reports are the ones a fresh load makes")
    func keptWhileTheLogStandsStill() throws {
        let cache = RollupCache()
        let first = try load(cache)
        let second = try load(cache)
        #expect(first.current && second.current)
        #expect(second.madeAt == first.madeAt, "the second load made the reports again")
        let fresh = try fixture.overview("520200")
        #expect(OverviewPage(second).figures.map(\.value) == fresh.figures.map(\.value))
    }

    @Test("a new change is shown by the refresh the next page starts; that page says it is older")
    func refreshedAfterAChange() async throws {
        let (refreshed, done) = AsyncStream.makeStream(of: RollupCache.Rollups.self)
        let cache = RollupCache(capacity: 8) { done.yield($0) }
        #expect(drills(try load(cache)) == "2")
        try fixture.node.add(
            .drill, org: "520201102",
            values: ["title": "防汛演练", "kind": "functional", "held-on": "2026-07-01", "participants": "40"])

        let stale = try load(cache)
        #expect(!stale.current && drills(stale) == "2")
        #expect(OverviewPage(stale).refreshing)
        var updates = refreshed.makeAsyncIterator()
        let made = try #require(await updates.next())
        #expect(made.position == (try fixture.node.store.lastSequence()))

        let after = try load(cache)
        #expect(after.current && drills(after) == "3")
        #expect(!OverviewPage(after).refreshing)
    }

    @Test("records copied from the parent's snapshot, which are not logged, are shown after the refresh")
    func snapshotCopiesRefresh() async throws {
        let (refreshed, done) = AsyncStream.makeStream(of: RollupCache.Rollups.self)
        let cache = RollupCache(capacity: 8) { done.yield($0) }
        try fixture.node.link(
            to: "http://127.0.0.1:9", org: "520000", node: "00000000000000ee", credential: "parent-credential")
        #expect(drills(try load(cache)) == "2")
        let logged = try fixture.node.store.lastSequence()
        // As a snapshot page is copied: the row as the parent holds it, and the progress.
        try fixture.node.store.write { writer in
            try writer.db.execute(
                sql: """
                    INSERT INTO drill (id, org, created, updated, versions, title, kind, held_on, participants)
                    VALUES ('5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5', '520201102', 1, 1, '', '复制的演练', 'tabletop', '2026-08-01', 10)
                    """)
            var cursor = try PeerCursor.find(writer.db, org: "520000")
            cursor.snapshotAfter = "drill/5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5"
            try cursor.save(writer.db)
        }
        #expect(try fixture.node.store.lastSequence() == logged, "the copy was logged")
        let stale = try load(cache)
        #expect(!stale.current && drills(stale) == "2")
        var updates = refreshed.makeAsyncIterator()
        _ = try #require(await updates.next())
        #expect(drills(try load(cache)) == "3")
    }

    @Test("the time the figures were summed up is China Standard Time")
    func clockTime() {
        #expect(OverviewPage.clockTime(Date(timeIntervalSince1970: 0)) == "08:00:00")
        #expect(OverviewPage.clockTime(Date(timeIntervalSince1970: 86_399)) == "07:59:59")
    }

    @Test("orgs and options are kept apart, and the least recently used goes past the capacity")
    func keyedByOrgAndOptions() throws {
        let cache = RollupCache(capacity: 2)
        let options = DashboardFixture.options
        var later = options
        later.staleAfterDays = 30
        let city = try cache.rollups(hub: fixture.node, org: "520200", options: options)
        let county = try cache.rollups(hub: fixture.node, org: "520203", options: options)
        #expect(city.reports[.drills]?.table("summary")?.total != nil)
        // Same org, other options: made anew, and the city's (used least recently) goes.
        _ = try cache.rollups(hub: fixture.node, org: "520203", options: later)
        _ = try cache.rollups(hub: fixture.node, org: "520203", options: options)
        let again = try cache.rollups(hub: fixture.node, org: "520200", options: options)
        #expect(again.madeAt > city.madeAt, "the city's reports were kept past the capacity")
        // The county's, used since, were kept.
        let countyAgain = try cache.rollups(hub: fixture.node, org: "520203", options: options)
        #expect(countyAgain.madeAt == county.madeAt)
    }
}
