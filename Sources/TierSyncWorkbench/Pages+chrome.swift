import Foundation
import TierSyncCore
import TierSyncDashboard
import TierSyncDomain
import TierSyncHub

/// The frame of every page: the navigation and the sync status bar.
extension Pages {
    func chrome(_ visitor: Visitor?, section: String) async -> SiteChrome {
        guard let visitor else { return SiteChrome(nodeName: node.hubOrg.name) }
        var items: [(String, String, String)] = []
        if visitor.role != nil { items.append(("records", "/records", "录入")) }
        if hasSubtree || visitor.role == nil { items.append(("orgs", "/orgs/\(visitor.scope.code)", "汇总")) }
        if visitor.role != nil {
            items += [
                ("review", "/review", "审核"), ("sync", "/sync", "同步"), ("conflicts", "/conflicts", "冲突"),
                ("accounts", "/accounts", "账号"),
            ]
        }
        // The status bar is about this node's own sync, which operators (readers of 汇总) do not run.
        let status = visitor.role == nil ? nil : try? await blocking { [node] in try node.syncStatus() }
        return SiteChrome(
            userName: visitor.name, roleName: visitor.role?.chineseName ?? "操作员", csrf: visitor.csrf,
            nav: items.map { SiteChrome.NavItem(href: $0.1, label: $0.2, current: $0.0 == section) },
            status: status.map(statusBar), nodeName: node.hubOrg.name)
    }

    func statusBar(_ status: TierSyncNode.SyncStatus) -> SiteChrome.StatusBar {
        let (link, label): (String, String)
        if status.parent == nil {
            (link, label) = node.hubOrg.parent == nil ? ("top", "本级为最高层级，无需上传") : ("never-joined", "尚未加入上级节点")
        } else if status.lastAttempt == nil {
            (link, label) = ("never-joined", "已加入上级，尚未同步")
        } else if status.lastAttemptOK == false {
            (link, label) = ("offline", "离线：上次同步未成功")
        } else {
            (link, label) = ("online", "在线")
        }
        return SiteChrome.StatusBar(
            link: link, linkLabel: label, lastSync: status.lastSync.map { ChinaTime.display($0) },
            ago: status.lastSync.map { ChinaTime.ago($0, now: node.wallClock.nowMilliseconds()) },
            waiting: status.waiting, conflicts: status.openConflicts, refused: status.refused,
            clockWarning: status.clockOffset.flatMap {
                guard $0.isWrong else { return nil }
                let consequence = $0.milliseconds > 0 ? "否则录入的内容会被上级拒收" : "否则录入内容的先后顺序会出错"
                return "本机时钟有误：\($0.chinese)。请校准电脑的日期和时间，\(consequence)。"
            })
    }
}

/// Times as people here read them: China Standard Time, to the minute.
enum ChinaTime {
    static let zone = TimeZone(secondsFromGMT: 8 * 3600)!

    /// `2026-12-02T07:13:47Z` → `2026-12-02 15:13` (with `seconds`, `15:13:47`).
    static func display(_ iso: String, seconds: Bool = false) -> String {
        guard let date = parse(iso) else { return iso }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// `3 分钟前`, `2 小时前`, `5 天前`.
    static func ago(_ iso: String, now: Int64) -> String {
        guard let date = parse(iso) else { return "" }
        let seconds = max(0, Int(Double(now) / 1000 - date.timeIntervalSince1970))
        switch seconds {
        case ..<60: return "刚刚"
        case ..<3600: return "\(seconds / 60) 分钟前"
        case ..<86_400: return "\(seconds / 3600) 小时前"
        default: return "\(seconds / 86_400) 天前"
        }
    }

    static func parse(_ iso: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: iso) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: iso)
    }
}
