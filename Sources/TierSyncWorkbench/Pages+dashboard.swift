import Foundation
import Hummingbird
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub
import TierSyncReports

/// 汇总: the consolidated view of an org's subtree (the dashboard) inside the site, for
/// anyone signed in, operators included, within their own subtree; from either store.
extension Pages {
    func orgPage(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .read) { visitor in
            let options = try dashboardOptions(page)
            let code = page.parameter("code")
            let view = try await blocking { [hub, rollups] in
                let org = try hub.visibleOrg(code, to: visitor.scope)
                return OverviewPage(
                    try DashboardData.load(hub: hub, org: org, scope: visitor.scope, options: options, cache: rollups),
                    staffLinks: visitor.role != nil)
            }
            return html(.ok, DashboardRenderer.render(view, chrome: await chrome(visitor, section: "orgs")))
        }
    }

    func reportPage(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .read) { visitor in
            let name = page.parameter("kind")
            guard let kind = ReportKind(rawValue: name) else { throw DomainError.notFound(kind: "report", id: name) }
            let options = try dashboardOptions(page)
            let code = page.parameter("code")
            let view = try await blocking { [hub] in
                let org = try hub.visibleOrg(code, to: visitor.scope)
                return try ReportPage.load(hub: hub, kind: kind, org: org, scope: visitor.scope, options: options)
            }
            return html(.ok, DashboardRenderer.render(view, chrome: await chrome(visitor, section: "orgs")))
        }
    }

    /// The report options a page takes from its query: `as-of` and `stale-days`.
    func dashboardOptions(_ page: PageRequest) throws -> ReportOptions {
        try ReportOptions(
            asOf: page.query("as-of"), staleDays: page.query("stale-days"), from: nil, through: nil, limit: nil)
    }
}
