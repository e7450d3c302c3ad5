import Foundation
import Hummingbird
import TierSyncDomain
import TierSyncHub
import TierSyncSpreadsheet
import TierSyncStore

/// `/import` (导入表格): a clerk uploads the Excel or CSV list the office kept, previews what
/// would be created, skipped and refused (row, column, value, reason in Chinese), then
/// imports it; `/import/template/KIND` downloads the kind's template, `/export.xlsx` the
/// visitor's records as a workbook.
extension Pages {
    struct ImportView: Sendable {
        struct Kind: Sendable { let value: String; let label: String; let selected: Bool }
        struct Refusal: Sendable { let row: Int; let column: String; let value: String; let reason: String }
        struct Line: Sendable { let row: Int; let text: String }

        let csrf: String
        let kinds: [Kind]
        let summary: String?
        let committed: Bool
        /// A real import that wrote nothing because rows were refused.
        let failed: Bool
        let refused: [Refusal]
        let skipped: [Line]
        let written: [Line]
        let hasRefused: Bool
        let hasSkipped: Bool
        let hasWritten: Bool
        let error: String?
    }

    /// Uploads larger than this are refused: a list of a township's records is far smaller.
    static let maxSpreadsheet = 20 << 20

    func importForm(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            await render(
                "import", importView(visitor, kind: page.query("kind"), report: nil), title: "导入表格", visitor: visitor,
                section: "records")
        }
    }

    func importUpload(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tiersync-sheet-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let body = folder.appendingPathComponent("body")
            func refuse(_ message: String, kind: String? = nil) async -> Response {
                var response = await render(
                    "import", importView(visitor, kind: kind, report: nil, error: message), title: "导入表格",
                    visitor: visitor, section: "records")
                response.status = .badRequest
                return response
            }
            guard let type = page.request.headers[.contentType], let boundary = Multipart.boundary(type) else {
                return await refuse("请选择要导入的表格文件（.xlsx 或 .csv）后再提交。")
            }
            guard try await saveBody(page, to: body, limit: Self.maxSpreadsheet) else {
                return await refuse("文件过大（超过 20 MB），请拆分后再导入。")
            }
            let fields = try Multipart.fields(from: body.path, boundary: boundary)
            guard let kind = fields["kind"].flatMap(ImportKind.init(rawValue:)) else {
                return await refuse("请选择要导入的记录类别。")
            }
            let file = folder.appendingPathComponent("upload")
            guard let name = try Multipart.extractFile(from: body.path, boundary: boundary, to: file.path),
                !name.isEmpty
            else {
                return await refuse("请选择要导入的表格文件（.xlsx 或 .csv）后再提交。", kind: kind.rawValue)
            }
            let lower = name.lowercased()
            let suffix = lower.hasSuffix(".xlsx") ? ".xlsx" : lower.hasSuffix(".csv") ? ".csv" : ""
            guard !suffix.isEmpty else {
                return await refuse("只能导入 .xlsx 或 .csv 文件；旧版 .xls 请先在表格软件中另存为 .xlsx。", kind: kind.rawValue)
            }
            let named = folder.appendingPathComponent("upload" + suffix)
            try FileManager.default.moveItem(at: file, to: named)
            let options = TierSyncNode.ImportOptions(
                org: visitor.scope.code, dryRun: fields["mode"] != "import", update: fields["update"] == "1",
                skipBad: fields["skip-bad"] == "1")
            do {
                let report = try await blocking { [node] in
                    let (sheet, encoding) = try SheetFile.read(path: named.path)
                    return try visitor.writer(node).importSheet(sheet, kind: kind, encoding: encoding, options: options)
                }
                return await render(
                    "import", importView(visitor, kind: kind.rawValue, report: report), title: "导入表格",
                    visitor: visitor, section: "records")
            } catch let error as SpreadsheetError {
                return await refuse(error.chinese, kind: kind.rawValue)
            } catch let error as DomainError {
                return await refuse(Wording.chinese(error), kind: kind.rawValue)
            }
        }
    }

    /// `/import/template/KIND`: the kind's empty workbook with its allowed values.
    func importTemplate(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            guard let kind = ImportKind(rawValue: page.parameter("kind")) else {
                throw DomainError.notFound(kind: "record kind", id: page.parameter("kind"))
            }
            return try await workbook("\(kind.rawValue)-template.xlsx") { [node] in try node.templateSheets(kind) }
        }
    }

    /// `/export.xlsx`: the visitor's records, a sheet per kind.
    func exportWorkbook(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            try await workbook("tiersync-\(visitor.scope.code).xlsx") { [node] in
                try node.exportSheets(under: visitor.scope.code)
            }
        }
    }

    private func workbook(_ name: String, _ sheets: @escaping @Sendable () throws -> [Sheet]) async throws -> Response {
        let data = try await blocking {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tiersync-\(UUID().uuidString).xlsx"
            ).path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try XLSXWriter.write(try sheets(), to: path)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func importView(_ visitor: Visitor, kind: String?, report: ImportReport?, error: String? = nil) -> ImportView {
        let kinds = ImportKind.allCases.map {
            ImportView.Kind(value: $0.rawValue, label: $0.displayName, selected: $0.rawValue == (report?.kind ?? kind))
        }
        let summary = report.map { report in
            let verb = report.dryRun ? "预览（未写入）" : report.committed ? "已导入" : "未导入（有错误行，未写入任何内容）"
            return "\(verb)：表头在第 \(report.headerRow) 行\(report.encoding.map { "，编码 \($0)" } ?? "")；"
                + "新增 \(report.created.count) 条，更新 \(report.updated.count) 条，跳过重复 \(report.duplicates.count) 条，有错误 \(Set(report.refused.map(\.row)).count) 行。"
                + (report.ignoredColumns.isEmpty ? "" : "未识别的列（已忽略）：\(report.ignoredColumns.joined(separator: "、"))。")
        }
        let refused =
            report?.refused.map {
                ImportView.Refusal(row: $0.row, column: $0.column, value: $0.value, reason: $0.chinese)
            } ?? []
        let skipped = report?.duplicates.map { ImportView.Line(row: $0.row, text: $0.chinese) } ?? []
        let written =
            (report?.created.map { ImportView.Line(row: $0.row, text: "新增：\($0.summary)") } ?? [])
            + (report?.updated.map { ImportView.Line(row: $0.row, text: "更新：\($0.summary)") } ?? [])
        return ImportView(
            csrf: visitor.csrf, kinds: kinds, summary: summary, committed: report?.committed ?? false,
            failed: report.map { !$0.committed && !$0.dryRun } ?? false,
            refused: refused, skipped: skipped, written: written.sorted { $0.row < $1.row },
            hasRefused: !refused.isEmpty, hasSkipped: !skipped.isEmpty, hasWritten: !written.isEmpty, error: error)
    }
}
