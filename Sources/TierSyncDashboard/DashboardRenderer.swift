import Foundation
import Mustache

/// Renders the dashboard's view models to HTML pages with the embedded Mustache templates.
///
/// ```swift
/// let html = DashboardRenderer.render(OverviewPage(data), operator: "示例·赵官")
/// ```
///
/// Every value goes through `{{ }}`, which HTML-escapes it; the only unescaped insertions
/// are the style sheet and the page body rendered by these same templates.
public enum DashboardRenderer {
    /// The layout's values: the page's title and body, and who is signed in.
    struct Layout {
        let title: String
        let css: String
        let content: String
        let chrome: SiteChrome
    }

    public static func render(_ page: OverviewPage, chrome: SiteChrome) -> String {
        layout(title: page.org.name + " · 汇总概览", chrome: chrome, content: body(page, template: "overview"))
    }

    public static func render(_ page: ReportPage, chrome: SiteChrome) -> String {
        layout(title: page.org.name + " · " + page.title, chrome: chrome, content: body(page, template: "report"))
    }

    public static func render(_ page: LoginPage) -> String {
        layout(title: "登录", chrome: SiteChrome(), content: body(page, template: "login"))
    }

    public static func render(_ page: ErrorPage, chrome: SiteChrome) -> String {
        layout(title: page.title, chrome: chrome, content: body(page, template: "error"))
    }

    /// A page with only the signed-in name in its frame (the dashboard's tests and benchmarks).
    public static func render(_ page: OverviewPage, operator name: String?) -> String {
        render(page, chrome: SiteChrome(userName: name))
    }

    public static func render(_ page: ReportPage, operator name: String?) -> String {
        render(page, chrome: SiteChrome(userName: name))
    }

    public static func render(_ page: ErrorPage, operator name: String?) -> String {
        render(page, chrome: SiteChrome(userName: name))
    }

    private static func body(_ page: Any, template: String) -> String {
        DashboardTemplates.library.render(page, withTemplate: template) ?? ""
    }

    /// A whole page: `content` (HTML rendered by a template of the site) framed by `chrome`.
    public static func layout(title: String, chrome: SiteChrome, content: String) -> String {
        body(Layout(title: title, css: DashboardTemplates.css, content: content, chrome: chrome), template: "layout")
    }
}
