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
        try await call("POST", "v1/enroll", body: body)
    }

    public func push(_ body: PushRequest) async throws -> PushResponse {
        let bytes = try await exchange("POST", "v1/push", encoded: PushPageCodec.encode(body))
        do {
            return try JSONDecoder().decode(PushResponse.self, from: Data(bytes))
        } catch {
            throw ClientError.badResponse("v1/push: \(error)")
        }
    }

    public func pull(after: Int64, limit: Int) async throws -> PullResponse {
        let bytes = try await exchange(
            "GET", "v1/pull", query: "after=\(after)&limit=\(limit)", body: Optional<PushRequest>.none)
        do {
            return try PullPageCodec.decode(bytes)
        } catch {
            throw ClientError.badResponse("v1/pull: \(error)")
        }
    }

    public func snapshot(after key: String?, limit: Int) async throws -> SnapshotResponse {
        var query = "limit=\(limit)"
        if let key {
            query +=
                "&after="
                + (key.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "="]))
                    ?? key)
        }
        let bytes = try await exchange("GET", "v1/snapshot", query: query, body: Optional<PushRequest>.none)
        do {
            return try SnapshotPageCodec.decode(bytes)
        } catch {
            throw ClientError.badResponse("v1/snapshot: \(error)")
        }
    }

    public func status() async throws -> StatusResponse {
        try await call("GET", "v1/status", body: Optional<PushRequest>.none)
    }

    private func call<Body: Encodable, Answer: Decodable>(
        _ method: String, _ path: String, query: String? = nil, body: Body?
    ) async throws -> Answer {
        let bytes = try await exchange(method, path, query: query, body: body)
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(bytes))
        } catch {
            throw ClientError.badResponse("\(path): \(error)")
        }
    }

    /// One request with a `Codable` body.
    private func exchange<Body: Encodable>(
        _ method: String, _ path: String, query: String? = nil, body: Body?
    ) async throws -> [UInt8] {
        try await exchange(method, path, query: query, encoded: try body.map { Array(try JSONEncoder().encode($0)) })
    }

    /// One request with a JSON body already encoded; the response body's bytes (inflated)
    /// when the hub answered 200.
    private func exchange(
        _ method: String, _ path: String, query: String? = nil, encoded body: [UInt8]?
    ) async throws -> [UInt8] {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = query
        var headers = [SyncProtocol.versionHeader: String(SyncProtocol.version), "Accept-Encoding": "gzip"]
        if let credential { headers["Authorization"] = "Bearer \(credential)" }
        var data: Data?
        if let body {
            data = Data(Gzip.compress(body))
            headers["Content-Type"] = "application/json"
            headers["Content-Encoding"] = "gzip"
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
        if bytes.starts(with: [0x1F, 0x8B]) { bytes = try Gzip.decompress(bytes) }
        guard response.status == 200 else {
            let message =
                (try? JSONDecoder().decode(ErrorResponse.self, from: Data(bytes)).error)
                ?? String(decoding: bytes, as: UTF8.self)
            throw ClientError.refused(status: response.status, message: message)
        }
        return bytes
    }
}
