/// What frames every page of a node's site: who is signed in, the navigation (录入, 汇总, 同步,
/// 冲突, 账号) and the sync status bar. The workbench and the dashboard share it, so the site
/// has one look.
public struct SiteChrome: Sendable {
    public struct NavItem: Sendable {
        public let href: String
        public let label: String
        public let current: Bool

        public init(href: String, label: String, current: Bool) {
            (self.href, self.label, self.current) = (href, label, current)
        }
    }

    /// The sync status bar: the link with the parent and what waits.
    public struct StatusBar: Sendable {
        /// `online`, `offline`, `never-joined` or `top` (a node without a parent).
        public let link: String
        public let linkLabel: String
        public let lastSync: String?
        public let ago: String?
        public let waiting: Int
        public let conflicts: Int
        public let refused: Int
        let hasRefused: Bool
        /// Said when this node's clock is wrong (the parent measured it), in Chinese.
        public let clockWarning: String?

        public init(
            link: String, linkLabel: String, lastSync: String?, ago: String?, waiting: Int, conflicts: Int,
            refused: Int,
            clockWarning: String? = nil
        ) {
            self.clockWarning = clockWarning
            (self.link, self.linkLabel, self.lastSync, self.ago) = (link, linkLabel, lastSync, ago)
            (self.waiting, self.conflicts, self.refused, self.hasRefused) = (waiting, conflicts, refused, refused > 0)
        }
    }

    public let userName: String?
    public let roleName: String?
    /// The CSRF token of the session, for the sign-out form.
    public let csrf: String?
    public let nav: [NavItem]
    let hasNav: Bool
    public let status: StatusBar?
    /// The node's own unit, shown beside the brand.
    public let nodeName: String?

    public init(
        userName: String? = nil, roleName: String? = nil, csrf: String? = nil, nav: [NavItem] = [],
        status: StatusBar? = nil, nodeName: String? = nil
    ) {
        (self.userName, self.roleName, self.csrf, self.nav, self.status, self.nodeName) =
            (userName, roleName, csrf, nav, status, nodeName)
        hasNav = !nav.isEmpty
    }
}
