import Foundation
import HTTPTypes
import Hummingbird
import TierSyncDomain
import TierSyncReports
import TierSyncSpreadsheet
import TierSyncStore

/// The consolidated reports as JSON, CSV or XLSX for operators: `GET /v1/reports/{kind}`, from
/// either store.
extension HubRoutes {
    func report(_ request: Request, kind name: String) async throws -> Response {
        do {
            let scope = try await authenticateReader(request)
            let query = request.uri.queryParameters
            func text(_ key: String) -> String? { query.get(key).map { String($0) } }
            guard let kind = ReportKind(rawValue: name) else {
                throw ReportError.invalidOption("report", value: name, allowed: "one of \(ReportKind.allowedList)")
            }
            let format = text("format") ?? "json"
            guard ["json", "csv", "xlsx"].contains(format) else {
                throw ReportError.invalidOption("format", value: format, allowed: "json, csv or xlsx")
            }
            let options = try ReportOptions(
                asOf: text("as-of"), staleDays: text("stale-days"), from: text("from"), through: text("through"),
                limit: text("limit"))
            let orgCode = text("org") ?? scope.code
            let report = try await blocking { [hub] in
                let org = try hub.visibleOrg(orgCode, to: scope)
                return try hub.readingReports { db in try Report.make(kind, org: org.code, options: options, db: db) }
            }
            if format == "xlsx" {
                let data = try await blocking {
                    let path = FileManager.default.temporaryDirectory
                        .appendingPathComponent("tiersync-report-\(UUID().uuidString).xlsx").path
                    defer { try? FileManager.default.removeItem(atPath: path) }
                    try XLSXWriter.write(ReportXLSX.sheets(report), to: path)
                    return try Data(contentsOf: URL(fileURLWithPath: path))
                }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        .contentDisposition: "attachment; filename=\"\(kind.rawValue)-\(report.org.code).xlsx\"",
                    ],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
            if format == "csv" {
                let table = try text("table").map { key in
                    guard let table = report.table(key) else {
                        throw ReportError.invalidOption(
                            "table", value: key, allowed: "one of " + report.tables.map(\.key).joined(separator: ", "))
                    }
                    return table
                }
                let csv = table.map { ReportCSV.table($0) } ?? ReportCSV.report(report)
                let file = "\(kind.rawValue)-\(report.org.code)\(table.map { "-" + $0.key } ?? "").csv"
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"\(file)\"",
                    ],
                    body: .init(byteBuffer: ByteBuffer(string: csv)))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: try ReportJSON.encode(report))))
        } catch {
            throw HubError(error)
        }
    }

    /// `GET /metrics`: Prometheus's text format, for an operator's credential, or a signed-in person's session on a SQLite node's site.
    func metrics(_ request: Request) async throws -> Response {
        do {
            _ = try await authenticateReader(request)
            let text = try await blocking { [metrics, hub] in
                metrics.render(try hub.gauges(), now: hub.wallClock.nowMilliseconds())
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        } catch {
            throw HubError(error)
        }
    }

    /// The subtree the caller may read: an operator's, from `Authorization: Bearer op-…`
    /// (scripts), or a signed-in person's, from the site's session cookie (the dashboard's
    /// CSV links).
    func authenticateReader(_ request: Request) async throws -> OrgUnit {
        if let credential = Self.bearerCredential(request) {
            return try await blocking { try hub.authenticateOperator(credential: credential).scope }
        }
        if let session = HubService.cookie(HubService.sessionCookie, in: request) {
            return try await blocking { [hub, idleLimit] in try hub.session(session, idleLimit: idleLimit).scope }
        }
        throw HubError.unauthorized(
            "send an operator credential (from `tiersync operator add`) as Authorization: Bearer op-ID.SECRET")
    }
}
