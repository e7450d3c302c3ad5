import Foundation
import TierSyncProtocol

/// Typed calls to a parent hub's protocol v1: gzip JSON bodies, the protocol header, and the
/// node credential on every sync request.
public struct ParentClient: Sendable {
    public let baseURL: URL
    let credential: String?
    let transport: any SyncTransport

    public init(baseURL: URL, credential: String?, transport: any SyncTransport = URLSessionTransport()) {
        self.baseURL = baseURL
        self.credential = credential
        self.transport = transport
    }

    public func enroll(_ body: EnrollRequest) async throws -> EnrollResponse {
        let bytes = try await exchange("POST", "v1/enroll", encoded: Array(try JSONEncoder().encode(body)))
        return try decode("v1/enroll", bytes) { try JSONDecoder().decode(EnrollResponse.self, from: Data($0)) }
    }

    public func push(_ body: PushRequest) async throws -> PushResponse {
        let bytes = try await exchange("POST", "v1/push", encoded: PushPageCodec.encode(body))
        return try decode("v1/push", bytes) { try JSONDecoder().decode(PushResponse.self, from: Data($0)) }
    }

    public func pull(after: Int64, limit: Int) async throws -> PullResponse {
        let bytes = try await exchange("GET", "v1/pull", query: "after=\(after)&limit=\(limit)")
        return try decode("v1/pull", bytes, PullPageCodec.decode)
    }

    public func snapshot(after key: String?, limit: Int) async throws -> SnapshotResponse {
        var query = "limit=\(limit)"
        if let key {
            let allowed = CharacterSet.urlQueryAllowed.subtracting(["&", "+", "="])
            query += "&after=" + (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)
        }
        let bytes = try await exchange("GET", "v1/snapshot", query: query)
        return try decode("v1/snapshot", bytes, SnapshotPageCodec.decode)
    }

    public func status() async throws -> StatusResponse {
        let bytes = try await exchange("GET", "v1/status")
        return try decode("v1/status", bytes) { try JSONDecoder().decode(StatusResponse.self, from: Data($0)) }
    }

    /// A response body read by `reader`; anything unreadable is the hub's fault, named by path.
    private func decode<Answer>(_ path: String, _ bytes: [UInt8], _ reader: ([UInt8]) throws -> Answer) throws
        -> Answer
    {
        do {
            return try reader(bytes)
        } catch {
            throw ClientError.badResponse("\(path): \(error)")
        }
    }

    /// One request with a JSON body already encoded; the response body's bytes (inflated)
    /// when the hub answered 200.
    private func exchange(
        _ method: String, _ path: String, query: String? = nil, encoded body: [UInt8]? = nil
    ) async throws -> [UInt8] {
        try await exchange(method, path, query: query, json: body).bytes
    }

    /// One request with a JSON body (sent gzip) or raw bytes (sent as they are, with
    /// `headers`); the response's bytes (inflated) and headers (lowercased) when the hub
    /// answered 200.
    func exchange(
        _ method: String, _ path: String, query: String? = nil, json body: [UInt8]? = nil, raw: [UInt8]? = nil,
        headers extra: [String: String] = [:]
    ) async throws -> (bytes: [UInt8], headers: [String: String]) {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = query
        var headers = [SyncProtocol.versionHeader: String(SyncProtocol.version), "Accept-Encoding": "gzip"]
        if let credential { headers["Authorization"] = "Bearer \(credential)" }
        headers.merge(extra) { $1 }
        var data: Data?
        if let body {
            data = Data(Gzip.compress(body))
            headers["Content-Type"] = "application/json"
            headers["Content-Encoding"] = "gzip"
        } else if let raw {
            data = Data(raw)
            headers["Content-Type"] = "application/octet-stream"
        }
        let response: TransportResponse
        do {
            response = try await transport.send(
                TransportRequest(method: method, url: components.url!, headers: headers, body: data))
        } catch {
            throw ClientError.unreachable(baseURL.absoluteString, "\(error.localizedDescription)")
        }
        var bytes = Array(response.body)
        // URLSession may already have inflated the body; gzip data starts with 1f 8b.
        if bytes.starts(with: [0x1F, 0x8B]) {
            do {
                bytes = try Gzip.decompress(bytes)
            } catch {
                throw ClientError.badResponse("\(path): \(error)")
            }
        }
        guard response.status == 200 else {
            let message =
                (try? JSONDecoder().decode(ErrorResponse.self, from: Data(bytes)).error)
                ?? String(decoding: bytes, as: UTF8.self)
            throw ClientError.refused(status: response.status, message: message)
        }
        return (bytes, response.headers)
    }
}
