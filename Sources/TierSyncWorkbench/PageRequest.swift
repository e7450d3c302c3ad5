import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TierSyncHub

/// A page request as the handlers read it: path parameters, query, the form it posts, the
/// session cookie and the peer's address.
struct PageRequest: Sendable {
    let request: Request
    let context: HubRequestContext

    /// The largest form a page takes (bundle uploads stream to a file instead).
    static let maxForm = 256 * 1024

    func parameter(_ name: String) -> String { context.parameters.get(name) ?? "" }

    func query(_ name: String) -> String? {
        request.uri.queryParameters.get(name).map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    var sessionID: String? { HubService.cookie(HubService.sessionCookie, in: request) }

    var address: String { context.clientAddress(request) }

    /// Behind the TLS proxy (SyncServer/deploy), which says so in X-Forwarded-Proto.
    var isHTTPS: Bool { request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" }

    /// The `application/x-www-form-urlencoded` body: each name with its values in order.
    func form() async throws -> Form {
        let body = try await request.body.collect(upTo: Self.maxForm)
        return Form(encoded: String(buffer: body))
    }
}

/// A posted form: names with their values (checkboxes repeat a name).
struct Form: Sendable {
    private(set) var pairs: [(String, String)] = []

    init(encoded: String) {
        for part in encoded.split(separator: "&") {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            pairs.append((pieces[0], pieces.count > 1 ? pieces[1] : ""))
        }
    }

    init(pairs: [(String, String)]) { self.pairs = pairs }

    subscript(name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }
}
