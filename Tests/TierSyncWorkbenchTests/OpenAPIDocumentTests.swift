import Foundation
import Testing
import TierSyncHub
import TierSyncWorkbench

/// The OpenAPI document in the repository describes exactly the routes the hub serves.
@Suite struct OpenAPIDocumentTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../SyncServer/openapi.yaml").standardizedFileURL

    /// (method, path) pairs under `paths:`, read by indentation: a path at two spaces, its
    /// operations at four.
    static func documentedRoutes() throws -> Set<String> {
        let lines = try String(contentsOf: document, encoding: .utf8).split(separator: "\n")
        var routes: Set<String> = []
        var inPaths = false
        var path: String?
        for line in lines {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.hasPrefix(" ") { inPaths = false }
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            for method in ["get", "post", "put", "delete", "patch"] where line == "    \(method):" {
                routes.insert("\(method.uppercased()) \(path ?? "?")")
            }
        }
        return routes
    }

    @Test("every route the site serves (protocol v1 and the pages) is documented, and every documented route is served")
    func matchesRoutes() throws {
        let served = Set(
            HubService.routes.map { "\($0.method) \($0.path)" } + Site.routes.map { "\($0.method) \($0.path)" })
        #expect(try Self.documentedRoutes() == served)
        #expect(
            served.isSuperset(of: [
                "POST /v1/enroll", "POST /v1/push", "GET /v1/pull", "GET /v1/snapshot", "GET /v1/status",
            ]))
    }

    @Test("the document is OpenAPI 3 and names the protocol header and the credential")
    func essentials() throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        #expect(text.hasPrefix("openapi: 3."))
        #expect(text.contains("TierSync-Protocol") && text.contains("scheme: bearer"))
    }
}
