import Mustache

/// The workbench's page templates, embedded in the binary from `Templates/`.
enum WorkbenchTemplates {
    static let all: [(name: String, text: String)] = [
        ("records", text(PackageResources.records_mustache)),
        ("list", text(PackageResources.list_mustache)),
        ("form", text(PackageResources.form_mustache)),
        ("fields", text(PackageResources.fields_mustache)),
        ("confirm", text(PackageResources.confirm_mustache)),
        ("stock", text(PackageResources.stock_mustache)),
        ("stock-item", text(PackageResources.stock_item_mustache)),
        ("sync", text(PackageResources.sync_mustache)),
        ("conflicts", text(PackageResources.conflicts_mustache)),
        ("accounts", text(PackageResources.accounts_mustache)),
        ("procedures", text(PackageResources.procedures_mustache)),
        ("review", text(PackageResources.review_mustache)),
        ("periods", text(PackageResources.periods_mustache)),
        ("import", text(PackageResources.import_mustache)),
    ]

    /// Parsed once; a template that does not parse is a bug the first rendering test catches.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in all {
            do { try library.register(text, named: name) } catch { fatalError("template \(name): \(error)") }
        }
        return library
    }()

    static func render(_ view: Any, _ template: String) -> String {
        library.render(view, withTemplate: template) ?? ""
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
