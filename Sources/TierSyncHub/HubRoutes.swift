import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// The handlers of protocol v1: each authenticates the child, reads its gzip JSON body when
/// it has one, calls the domain, and answers gzip JSON; errors become statuses in `HubError`.
/// Operators' reports and metrics are in `HubRoutes+reports.swift`, files in `HubRoutes+blobs.swift`.
struct HubRoutes: Sendable {
    /// What the sync routes serve: a SQLite node or a PostgreSQL store.
    let hub: any SyncHub
    let logger: Logger
    let idleLimit: Int64
    let metrics: HubMetrics
    let fileLimits: TierSyncNode.FileLimits
    /// Where pushes wait to be applied together.
    let groupCommit: GroupCommit<ChildPush, AcceptedPush>
    /// The children's credentials, checked before a push's body is read.
    let knownCredentials: KnownCredentials

    /// The most changes one pull page carries.
    static let pageLimit = 5_000

    func enroll(_ request: Request) async throws -> Response {
        try await respond {
            let body: EnrollRequest = try await decode(request)
            let enrolled = try await blocking { try hub.acceptEnrollment(code: body.code, node: body.node) }
            logger.info("enrolled a child", metadata: ["child": "\(body.node)", "org": "\(enrolled.org)"])
            return EnrollResponse(
                credential: enrolled.credential, org: enrolled.org, parentOrg: hub.hubOrg.code,
                parentNode: hub.hubNode.rawValue)
        }
    }

    func push(_ request: Request) async throws -> Response {
        try await respond {
            guard let credential = Self.bearerCredential(request), let parsed = Credential(parsing: credential) else {
                throw HubError.unauthorized("send the node credential as Authorization: Bearer NODE.SECRET")
            }
            try await admit(parsed, credential)
            let body = try PushPageCodec.decode(try await bodyBytes(request))
            guard body.upTo >= 0 else {
                throw HubError.badRequest("upTo must be a log position from 0, not \(body.upTo)")
            }
            let changes = try body.changes.enumerated().map { index, wire in
                do { return try wire.change() } catch let error as WireChangeError {
                    throw HubError.badRequest(
                        "change \(index + 1) of the push is malformed: \(error); nothing was applied")
                }
            }
            let started = ContinuousClock.now
            let accepted: AcceptedPush
            do {
                accepted = try await groupCommit.apply(
                    ChildPush(credential: credential, changes: changes, nodes: body.nodes, upTo: body.upTo))
            } catch let error as DomainError where error.kind == .unauthorized {
                knownCredentials.forget(parsed.id)
                throw error
            }
            let report = accepted.report
            metrics.pushed.increment(by: Int64(report.applied))
            metrics.applyDuration.record(ContinuousClock.now - started)
            logger.info(
                "push applied",
                metadata: [
                    "child": "\(accepted.child.id)", "org": "\(accepted.child.org)", "changes": "\(changes.count)",
                    "applied": "\(report.applied)",
                    "conflicts": "\(report.conflicts)", "refused": "\(report.refused.count)",
                    "duration": "\(ContinuousClock.now - started)",
                ])
            return PushResponse(
                acked: body.upTo, applied: report.applied, alreadyKnown: report.alreadyKnown,
                conflicts: report.conflicts,
                refused: report.refused.map(\.description), hubTime: hub.wallClock.nowMilliseconds())
        }
    }

    /// Refuses a wrong node credential before a push's body is read: it is checked against
    /// the children known here (`KnownCredentials`), or read from the store when it is not
    /// among them. The push's group checks it again (`SyncHub.identify`), for a revocation.
    private func admit(_ credential: Credential, _ text: String) async throws {
        try await knownCredentials.loadOnce { [hub] in try await blocking { try hub.enrolledCredentials() } }
        guard !knownCredentials.admits(credential) else { return }
        let child = try await blocking { try hub.identify([text])[0].get().child }
        knownCredentials.remember(child)
    }

    func pull(_ request: Request) async throws -> Response {
        try await respondEncoded {
            let child = try await authenticate(request)
            let after = Int64(request.uri.queryParameters.get("after") ?? "0") ?? -1
            let limit = Self.limit(request)
            guard after >= 0, (1...Self.pageLimit).contains(limit) else {
                throw HubError.badRequest("after must be a log position from 0 and limit from 1 to \(Self.pageLimit)")
            }
            return try await blocking {
                var changes: [WireChange] = []
                let (next, senders, last) = try hub.pullPage(for: child, after: after, limit: limit) {
                    changes.append(WireChange($0))
                }
                metrics.pulled.increment(by: Int64(changes.count))
                return PullPageCodec.encode(
                    PullResponse(
                        changes: changes,
                        nodes: Dictionary(uniqueKeysWithValues: senders.map { ($0.key.rawValue, $0.value) }),
                        next: next, more: next < last, last: last))
            }
        }
    }

    func snapshot(_ request: Request) async throws -> Response {
        try await respondEncoded(level: Gzip.fastLevel) {
            let child = try await authenticate(request)
            let after = request.uri.queryParameters.get("after").map { String($0) }
            let limit = Self.limit(request)
            // A key names a record: `table/id` with a record id (nothing else reaches the database).
            let key = after.flatMap(RecordSnapshot.Key.init(parsing:)).flatMap { RecordID($0.id) == nil ? nil : $0 }
            guard (after == nil) == (key == nil), (1...Self.pageLimit).contains(limit) else {
                throw HubError.badRequest(
                    "after must be the next key of the previous page (table/id) and limit from 1 to \(Self.pageLimit)")
            }
            return try await blocking {
                var writer = SnapshotPageCodec.Writer()
                let page = try hub.snapshot(for: try hub.peer(child.org), after: key, limit: limit) {
                    writer.append($0)
                }
                return writer.finish(
                    nodes: page.nodes, position: page.position, next: page.next?.description, total: page.total,
                    later: page.later.map(WireChange.init))
            }
        }
    }

    func status(_ request: Request) async throws -> Response {
        try await respond {
            let child = try await authenticate(request)
            return try await blocking {
                let status = try hub.status(for: child)
                return StatusResponse(
                    protocolVersion: SyncProtocol.version, node: hub.hubNode.rawValue, org: hub.hubOrg.code,
                    lastSequence: status.lastSequence, receivedFromYou: status.receivedFromYou,
                    epoch: status.epoch, epochSince: status.epochSince, hubTime: hub.wallClock.nowMilliseconds())
            }
        }
    }

    /// The page size asked for: `pageLimit` when not given, 0 (refused) when not a number.
    static func limit(_ request: Request) -> Int {
        let values = request.uri.queryParameters[values: "limit"]
        guard let text = values.first else { return pageLimit }
        return values.count == 1 ? Int(text) ?? 0 : 0
    }

    func authenticate(_ request: Request) async throws -> ChildNode {
        guard let credential = Self.bearerCredential(request) else {
            throw HubError.unauthorized("send the node credential as Authorization: Bearer NODE.SECRET")
        }
        return try await blocking { try hub.authenticate(credential: credential) }
    }

    /// The credential of an `Authorization: Bearer …` header.
    static func bearerCredential(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst("Bearer ".count))
    }

    private func decode<T: Decodable>(_ request: Request) async throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try await bodyBytes(request)))
    }

    /// The request body, inflated when it is gzip; at most `SyncProtocol.maxBody` bytes.
    private func bodyBytes(_ request: Request) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: SyncProtocol.maxBody)
        let bytes = Array(buffer.readableBytesView)
        return request.headers[.contentEncoding] == "gzip" ? try Gzip.decompress(bytes) : bytes
    }

    /// Runs a handler and answers its value as gzip JSON, or its error as a status.
    func respond(_ body: () async throws -> some Encodable) async throws -> Response {
        try await respondEncoded { Array(try JSONEncoder().encode(try await body())) }
    }

    /// Runs a handler that encodes its own JSON (the pull page, by hand, for speed).
    private func respondEncoded(
        level: Int32 = Gzip.defaultLevel, _ body: () async throws -> [UInt8]
    ) async throws -> Response {
        do {
            let json = try await body()
            return Response(
                status: .ok, headers: [.contentType: "application/json", .contentEncoding: "gzip"],
                body: .init(byteBuffer: ByteBuffer(bytes: Gzip.compress(json, level: level))))
        } catch {
            let mapped = HubError(error)
            if mapped.status == .internalServerError { logger.error("request failed", metadata: ["error": "\(error)"]) }
            throw mapped
        }
    }
}
