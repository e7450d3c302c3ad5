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
        let operatorName: String?
    }

    public static func render(_ page: OverviewPage, operator name: String?) -> String {
        layout(title: page.org.name + " · 汇总概览", name: name, content: body(page, template: "overview"))
    }

    public static func render(_ page: ReportPage, operator name: String?) -> String {
        layout(title: page.org.name + " · " + page.title, name: name, content: body(page, template: "report"))
    }

    public static func render(_ page: LoginPage) -> String {
        layout(title: "登录", name: nil, content: body(page, template: "login"))
    }

    public static func render(_ page: ErrorPage, operator name: String?) -> String {
        layout(title: page.title, name: name, content: body(page, template: "error"))
    }

    private static func body(_ page: Any, template: String) -> String {
        DashboardTemplates.library.render(page, withTemplate: template) ?? ""
    }

    private static func layout(title: String, name: String?, content: String) -> String {
        body(
            Layout(title: title, css: DashboardTemplates.css, content: content, operatorName: name), template: "layout")
    }
}
