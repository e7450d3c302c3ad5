import Foundation
import TierSyncProtocol

/// Typed calls to a parent hub's protocol v1: gzip JSON bodies, the protocol header, and the
/// node credential on every sync request.
public struct ParentClient: Sendable {
    public let baseURL: URL
    let credential: String?
    let transport: any SyncTransport
    /// The protocol versions this client speaks, and the one in use with this hub.
    let protocols: ClosedRange<Int>
    let choice: ProtocolChoice

    /// - Parameter protocols: the versions to offer (another range only in tests of negotiation);
    ///   the newest is tried first.
    public init(
        baseURL: URL, credential: String?, transport: any SyncTransport = URLSessionTransport(),
        protocols: ClosedRange<Int> = SyncProtocol.supported
    ) {
        self.baseURL = baseURL
        self.credential = credential
        self.transport = transport
        self.protocols = protocols
        self.choice = ProtocolChoice(protocols.upperBound)
    }

    /// The protocol version the requests are in: the newest both sides speak, once the hub
    /// has said which it speaks.
    public var protocolVersion: Int { choice.version }

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
        let tried = choice.version
        do {
            return try await send(method, path, query: query, json: body, raw: raw, headers: extra)
        } catch let error as ClientError where error.status == 400 {
            // Refused for its version: again in the newest version both speak, if there is one.
            guard let hub = error.hubVersions, !hub.contains(tried) else { throw error }
            let newestInCommon = min(protocols.upperBound, hub.upperBound)
            guard newestInCommon >= max(protocols.lowerBound, hub.lowerBound) else {
                throw ClientError.incompatibleProtocol(
                    client: SyncProtocol.text(protocols), hub: SyncProtocol.text(hub),
                    advice: SyncProtocol.upgradeAdvice(client: protocols, hub: hub))
            }
            choice.settle(newestInCommon)
            return try await send(method, path, query: query, json: body, raw: raw, headers: extra)
        }
    }

    /// One request in the chosen protocol version (see `exchange`).
    private func send(
        _ method: String, _ path: String, query: String?, json body: [UInt8]?, raw: [UInt8]?,
        headers extra: [String: String]
    ) async throws -> (bytes: [UInt8], headers: [String: String]) {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = query
        var headers = [SyncProtocol.versionHeader: String(choice.version), "Accept-Encoding": "gzip"]
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
            throw ClientError.refused(
                status: response.status, message: message,
                hubVersions: response.headers[SyncProtocol.versionsHeader.lowercased()].flatMap(SyncProtocol.versions))
        }
        return (bytes, response.headers)
    }
}

/// The protocol version a client and its hub use: the client's newest until the hub names the
/// versions it speaks; shared by the copies of a `ParentClient`.
final class ProtocolChoice: @unchecked Sendable {
    private let lock = NSLock()
    private var chosen: Int

    init(_ version: Int) { chosen = version }

    var version: Int { lock.withLock { chosen } }

    func settle(_ version: Int) { lock.withLock { chosen = version } }
}
