import Foundation
import Hummingbird
import Logging
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub

/// The pages of a hub on PostgreSQL: its officers sign in (a person's login and password, or an
/// operator's credential) and read the consolidated view (汇总) of their subtree and each
/// report, as on a SQLite hub's site (`SitePages`). Its records are edited from the command
/// line (`tiersync … --db postgresql://…`); every process of the hub serves these pages.
struct ConsolidatedPages: SitePages {
    let hub: any SyncHub
    let accounts: any PeopleAccounts
    var logger: Logger
    let idleLimit: Int64
    let rollups: RollupCache

    func chrome(_ visitor: Visitor?, section: String) async -> SiteChrome {
        guard let visitor else { return SiteChrome(nodeName: hub.hubOrg.name) }
        return SiteChrome(
            userName: visitor.name, roleName: visitor.role?.chineseName ?? "操作员", csrf: visitor.csrf,
            nav: [SiteChrome.NavItem(href: "/orgs/\(visitor.scope.code)", label: "汇总", current: section == "orgs")],
            nodeName: hub.hubOrg.name)
    }

    /// `/`: the overview of the visitor's own subtree.
    func home(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .read) { visitor in redirect("/orgs/\(visitor.scope.code)") }
    }
}
