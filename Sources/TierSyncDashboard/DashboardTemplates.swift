import Mustache

/// The page templates and the style sheet, embedded in the binary from `Templates/` (no
/// resource bundle to ship, as with `Schema/`).
enum DashboardTemplates {
    /// (name, text) of every template; a page is rendered into `layout`'s `content`.
    static let all: [(name: String, text: String)] = [
        ("layout", text(PackageResources.layout_mustache)),
        ("login", text(PackageResources.login_mustache)),
        ("overview", text(PackageResources.overview_mustache)),
        ("report", text(PackageResources.report_mustache)),
        ("error", text(PackageResources.error_mustache)),
        ("chart", text(PackageResources.chart_mustache)),
        ("table", text(PackageResources.table_mustache)),
    ]

    /// The one small style sheet, inlined into every page (a page is one request, and works
    /// saved to a file).
    static let css = text(PackageResources.dashboard_css)

    /// The templates, parsed once; a template that does not parse is a bug caught by the
    /// first test that renders a page.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in all {
            do { try library.register(text, named: name) } catch { fatalError("template \(name): \(error)") }
        }
        return library
    }()

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
