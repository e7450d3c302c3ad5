import Foundation
import Hummingbird
import Logging
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncReports
import TierSyncTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `GET /v1/reports/{kind}` on a live hub (port 0, loopback): operator credentials, scope,
/// and answers equal to the rollups computed on the same database.
@Suite struct ReportsEndpointTests {
    let hub: LiveHub
    var city: TierSyncNode { hub.city }
    var url: URL { hub.url }

    init() async throws {
        hub = try await LiveHub()
        try city.add(.plan, org: "520201101", values: ["title": "示例预案", "level": "grassroots", "status": "published"])
        try city.add(.plan, org: "520203", values: ["title": "示例县预案", "level": "overall", "status": "drafting"])
    }

    /// `credential` as a Bearer header, or, with `cookie`, a session id as the site's cookie.
    func get(_ path: String, credential: String?, cookie: Bool = false) async throws -> (Int, String, String?) {
        var request = URLRequest(url: URL(string: path, relativeTo: url)!)
        if let credential {
            if cookie {
                request.setValue("tiersync_session=\(credential)", forHTTPHeaderField: "Cookie")
            } else {
                request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
            }
        }
        let (data, response) = try await TestHTTP.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "Content-Type"))
    }

    @Test("an operator reads a report as the rollup computes it, as JSON and as CSV, with no protocol header")
    func reportMatchesRollup() async throws {
        defer { hub.stop() }
        let officer = try city.addOperator(name: "示例·钱官")
        let (status, body, type) = try await get(
            "/v1/reports/coverage?as-of=2026-11-29", credential: officer.credential)
        #expect(status == 200 && type?.hasPrefix("application/json") == true, "\(body)")
        let options = ReportOptions(asOf: CivilDate(parsing: "2026-11-29")!)
        let expected = try city.store.read { db in try Report.make(.coverage, org: "520200", options: options, db: db) }
        #expect(body == String(decoding: try ReportJSON.encode(expected), as: UTF8.self))

        let (csvStatus, csv, csvType) = try await get(
            "/v1/reports/coverage?format=csv&table=summary&as-of=2026-11-29",
            credential: try city.startSession(subject: "operator:" + officer.id), cookie: true)
        #expect(csvStatus == 200 && csvType?.hasPrefix("text/csv") == true)
        #expect(csv == ReportCSV.table(expected.table("summary")!))
    }

    @Test(
        "on either store, a report over records a child pushed is the rollup of the hub's tables; a county operator is kept to the county",
        arguments: HubStore.allCases)
    func eitherStore(store: HubStore) async throws {
        defer { hub.stop() }
        let live = try await LiveSyncHub(store)
        let node = "00000000000000cc"
        let credential = try live.enroll(node)
        let stamp = Int64(Date().timeIntervalSince1970 * 1000) << 16
        let plan = "6f9619ff-8b86-4011-b42d-00c04fc964ff"
        let changes = [("title", "示例预案"), ("level", "grassroots"), ("status", "published")].map { field, value in
            #"{"t":"plan","r":"\#(plan)","o":"520201101","f":"\#(field)","v":"\#(value)","h":\#(stamp),"n":"\#(node)","vv":"\#(node):1"}"#
        }
        var push = URLRequest(url: URL(string: live.url.absoluteString + "/v1/push")!)
        push.httpMethod = "POST"
        push.setValue("1", forHTTPHeaderField: "TierSync-Protocol")
        push.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        push.httpBody = Data(
            #"{"changes":[\#(changes.joined(separator: ","))],"nodes":{"\#(node)":"520201"},"upTo":3}"#.utf8)
        let (_, pushed) = try await TestHTTP.data(for: push)
        #expect((pushed as! HTTPURLResponse).statusCode == 200)

        let officer = try live.addOperator(name: "示例·钱官")
        let (status, body, _) = try await get(
            live.url.absoluteString + "/v1/reports/coverage?as-of=2026-11-29", credential: officer)
        #expect(status == 200, "\(body)")
        let options = ReportOptions(asOf: CivilDate(parsing: "2026-11-29")!)
        let expected = try live.sync.readingReports { db in
            try Report.make(.coverage, org: "520200", options: options, db: db)
        }
        #expect(body == String(decoding: try ReportJSON.encode(expected), as: UTF8.self))
        #expect(
            expected.table("summary")?.total.flatMap { expected.table("summary")?.value($0, "plans") } == .number(1))

        let county = try live.addOperator(name: "示例·孙官", org: "520201")
        let (own, ownBody, _) = try await get(live.url.absoluteString + "/v1/reports/coverage", credential: county)
        #expect(own == 200 && ownBody.contains("\"code\":\"520201\""), "\(ownBody)")
        let (sibling, refusal, _) = try await get(
            live.url.absoluteString + "/v1/reports/coverage?org=520203", credential: county)
        #expect(sibling == 403 && refusal.contains("outside 520201"), "\(refusal)")
    }

    @Test("a county operator sees the county only: the city's report is 403, a sibling county's too")
    func scope() async throws {
        defer { hub.stop() }
        let county = try city.addOperator(name: "示例·孙官", org: "520201")
        let (own, body, _) = try await get("/v1/reports/drills", credential: county.credential)
        #expect(own == 200 && body.contains("\"code\":\"520201\""), "\(body)")
        for org in ["520200", "520203"] {
            let (status, refusal, _) = try await get("/v1/reports/drills?org=\(org)", credential: county.credential)
            #expect(status == 403 && refusal.contains("outside 520201"), "\(refusal)")
        }
        #expect(throws: DomainError.self) { try city.addOperator(name: "示例", org: "520000") }
    }

    @Test("missing, wrong and revoked credentials get 401; bad parameters 400 naming what is allowed")
    func refusals() async throws {
        defer { hub.stop() }
        let officer = try city.addOperator(name: "示例·李官")
        #expect(try await get("/v1/reports/coverage", credential: nil).0 == 401)
        #expect(try await get("/v1/reports/coverage", credential: officer.id + ".wrong").0 == 401)
        let (kind, kindBody, _) = try await get("/v1/reports/budget", credential: officer.credential)
        #expect(kind == 400 && kindBody.contains("one of coverage, contacts, reserves, drills, timeliness, tasks"))
        let (date, dateBody, _) = try await get("/v1/reports/coverage?as-of=yesterday", credential: officer.credential)
        #expect(date == 400 && dateBody.contains("invalid as-of 'yesterday'"))
        #expect(try await get("/v1/reports/coverage?org=999999", credential: officer.credential).0 == 404)
        try city.revokeOperator(officer.id)
        let (revoked, revokedBody, _) = try await get("/v1/reports/coverage", credential: officer.credential)
        #expect(revoked == 401 && revokedBody.contains("revoked"))
    }
}
