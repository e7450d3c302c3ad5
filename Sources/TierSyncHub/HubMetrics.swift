import Prometheus
import TierSyncCore
import TierSyncDomain

/// What a node's server exposes at `/metrics`, in Prometheus's text format: requests by route
/// and status, changes pushed by children and pulled by them, how long applying a push takes,
/// and, read when scraped, each child's last contact, open conflicts, and the log's and the
/// database's size.
///
/// ```swift
/// let metrics = HubMetrics()
/// metrics.pushed.increment(by: 120)
/// String(decoding: metrics.render(try hub.gauges(), now: now), as: UTF8.self)   // "# TYPE tiersync_changes_pushed_total counter…"
/// ```
///
/// One registry per server (not swift-metrics' process-wide bootstrap), so that tests may
/// run several servers in one process.
public final class HubMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Changes children pushed that were applied here.
    let pushed: Counter
    /// Changes children pulled from here.
    let pulled: Counter
    /// How long applying one push page took, commit included.
    let applyDuration: DurationHistogram
    /// How many pushes each group commit held, and how long its transaction took.
    let groupPushes: ValueHistogram
    let groupDuration: DurationHistogram

    public init() {
        pushed = registry.makeCounter(
            name: "tiersync_changes_pushed_total", help: "Changes pushed by children and applied here.")
        pulled = registry.makeCounter(name: "tiersync_changes_pulled_total", help: "Changes children pulled from here.")
        applyDuration = registry.makeDurationHistogram(
            name: "tiersync_apply_duration_seconds",
            buckets: [
                .milliseconds(5), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
            ],
            help: "Time to apply one push page in its transaction.")
        groupPushes = registry.makeValueHistogram(
            name: "tiersync_group_commit_pushes", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
            help: "Pushes applied together in one transaction (group commit).")
        groupDuration = registry.makeDurationHistogram(
            name: "tiersync_group_commit_duration_seconds",
            buckets: [
                .milliseconds(5), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
            ],
            help: "Time of one group commit: its pushes' credentials read, their changes applied and committed.")
    }

    /// Records a group commit of `pushes` pushes that took `duration`.
    func groupCommitted(pushes: Int, duration: Duration) {
        groupPushes.record(Double(pushes))
        groupDuration.record(duration)
    }

    /// Counts a request answered with `status` by the route `route` (its template, so that
    /// ids do not make a series each).
    func request(route: String, status: Int) {
        registry.makeCounter(
            name: "tiersync_http_requests_total", labels: [("route", route), ("status", String(status))],
            help: "HTTP requests by route and status."
        ).increment()
    }

    /// The metrics as Prometheus reads them, with the store's gauges read at `now`.
    func render(_ gauges: HubGauges, now: Int64) -> [UInt8] {
        for child in gauges.children {
            let contact = child.lastContact.flatMap(ISOTimestamp.milliseconds(from:))
            registry.makeGauge(
                name: "tiersync_child_last_contact_seconds", labels: [("node", child.node), ("org", child.org)],
                help: "Seconds since each child's last contact (-1: never)."
            ).set(contact.map { Double(now - $0) / 1000 } ?? -1)
        }
        registry.makeGauge(name: "tiersync_open_conflicts", help: "Conflicts waiting for a person.")
            .set(Double(gauges.openConflicts))
        registry.makeGauge(
            name: "tiersync_log_entries",
            help: "Entries in the change log (entries compaction dropped from a row it kept still count)."
        ).set(Double(gauges.logEntries))
        registry.makeGauge(
            name: "tiersync_database_bytes", help: "The store on disk, in bytes: the database file and its WAL."
        ).set(Double(gauges.databaseBytes))
        return registry.emitToBuffer()
    }
}
