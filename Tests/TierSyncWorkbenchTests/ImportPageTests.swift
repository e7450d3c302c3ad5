import Foundation
import Testing
import TierSyncDomain

/// `/import` on a live site: a clerk previews the LibreOffice-made fixtures, imports them,
/// sees the refused rows in Chinese, and downloads the template and the export.
@Suite struct ImportPageTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/spreadsheets/\(name)"))
    }

    /// A form as a browser sends it: the text fields first, the file last.
    static func form(_ fields: [(String, String)], file: String, name: String, boundary: String) throws -> Data {
        var body = Data()
        for (key, value) in fields {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8)
        body += try fixture(file) + Data("\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    @Test(
        "preview, then import: a clerk's list goes in with the unit of their account; bad rows are named in Chinese",
        arguments: LiveSite.Store.allCases)
    func upload(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let session = try #require(try await site.signIn("clerk"))
        let token = try await site.csrf("/import", session: session)
        let boundary = "----tiersync-test"
        let type = "multipart/form-data; boundary=\(boundary)"
        let preview = try await site.postRaw(
            "/import?csrf=\(token)",
            try Self.form(
                [("kind", "contact"), ("mode", "preview")], file: "contacts-good.xlsx", name: "名单.xlsx",
                boundary: boundary),
            contentType: type, session: session)
        #expect(preview.status == 200 && preview.body.contains("预览（未写入）") && preview.body.contains("新增 4 条"))
        #expect(try site.node.list(.contact).isEmpty)
        let imported = try await site.postRaw(
            "/import?csrf=\(token)",
            try Self.form(
                [("kind", "contact"), ("mode", "import")], file: "contacts-gb18030.csv", name: "名单.csv",
                boundary: boundary),
            contentType: type, session: session)
        #expect(imported.body.contains("已导入") && imported.body.contains("编码 GB18030"))
        #expect(try site.node.list(.contact).count == 4)
        #expect(
            try site.node.history(.contact, id: site.node.list(.contact)[0].id.rawValue).first?.author?.login == "clerk"
        )
        let bad = try await site.postRaw(
            "/import?csrf=\(token)",
            try Self.form(
                [("kind", "contact"), ("mode", "import")], file: "contacts-bad.xlsx", name: "bad.xlsx",
                boundary: boundary),
            contentType: type, session: session)
        #expect(bad.body.contains("未导入") && bad.body.contains("C (手机号)") && bad.body.contains("厨师"))
        #expect(try site.node.list(.contact).count == 4, "nothing of a refused file is written")
        let merged = try await site.postRaw(
            "/import?csrf=\(token)",
            try Self.form(
                [("kind", "contact")], file: "contacts-merged-header.xlsx", name: "m.xlsx", boundary: boundary),
            contentType: type, session: session)
        #expect(merged.status == 400 && merged.body.contains("取消合并"))
        let forged = try await site.postRaw(
            "/import",
            try Self.form([("kind", "contact")], file: "contacts-good.xlsx", name: "x.xlsx", boundary: boundary),
            contentType: type, session: session)
        #expect(forged.status == 403)
    }

    @Test("the template and the export download as workbooks", arguments: LiveSite.Store.allCases)
    func downloads(store: LiveSite.Store) async throws {
        let site = try await LiveSite(store)
        defer { site.stop() }
        let session = try #require(try await site.signIn("clerk"))
        let template = try await site.get("/import/template/contact", session: session)
        #expect(template.status == 200 && template.data.starts(with: [0x50, 0x4B]), "a ZIP package")
        #expect(template.headers["Content-Disposition"]?.contains("contact-template.xlsx") == true)
        #expect(try await site.get("/export.xlsx", session: session).data.starts(with: [0x50, 0x4B]))
        #expect(try await site.get("/import/template/nothing", session: session).status == 404)
    }
}
