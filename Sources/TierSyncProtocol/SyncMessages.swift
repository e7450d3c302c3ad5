import Foundation
import TierSyncCore

/// Protocol v1 of the HTTP API between a node and its parent hub: JSON bodies under `/v1/`,
/// gzip-compressed, every request naming its protocol version in the `TierSync-Protocol`
/// header. The OpenAPI document is `Sources/TierSyncHub/openapi.yaml`.
public enum SyncProtocol {
    /// The version this release prefers, and every version it speaks.
    public static let version = 1
    public static let supported: ClosedRange<Int> = 1...1
    /// The version a request is in.
    public static let versionHeader = "TierSync-Protocol"
    /// The versions a hub speaks (`1` or `1-2`), on every answer to a sync request: a client
    /// that a hub refused for its version picks the newest both speak from it.
    public static let versionsHeader = "TierSync-Protocol-Versions"

    /// `range` as the versions header writes it.
    public static func text(_ range: ClosedRange<Int>) -> String {
        range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
    }

    /// The versions a versions header names; nil when it is not `N` or `N-M`.
    public static func versions(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let low = parts.first ?? nil, let high = parts.last ?? nil, parts.count <= 2, low >= 1, low <= high
        else { return nil }
        return low...high
    }

    /// Which side must be upgraded when a client speaking `client` meets a hub speaking `hub`
    /// and they share no version: the one whose versions are all older.
    public static func upgradeAdvice(client: ClosedRange<Int>, hub: ClosedRange<Int>) -> String {
        client.upperBound < hub.lowerBound
            ? "upgrade tiersync on this node (the child) to a release that speaks version \(hub.lowerBound)"
            : "upgrade tiersync on the parent hub to a release that speaks version \(client.lowerBound)"
    }
    /// The largest request body a hub accepts (a push page is far smaller).
    public static let maxBody = 32 << 20
}

/// `POST /v1/enroll`: a new child exchanges a one-time code for its node credential.
public struct EnrollRequest: Codable, Sendable {
    public var code: String
    public var node: String
    public init(code: String, node: String) {
        self.code = code
        self.node = node
    }
}

public struct EnrollResponse: Codable, Sendable {
    /// `NODE.SECRET`, presented as `Authorization: Bearer …`; the hub keeps only its hash.
    public var credential: String
    /// The org the code was issued for: the new node's org.
    public var org: String
    public var parentOrg: String
    public var parentNode: String
    public init(credential: String, org: String, parentOrg: String, parentNode: String) {
        self.credential = credential
        self.org = org
        self.parentOrg = parentOrg
        self.parentNode = parentNode
    }
}

/// `POST /v1/push`: a page of the child's log.
public struct PushRequest: Codable, Sendable {
    public var changes: [WireChange]
    /// The org of each node whose changes the page holds.
    public var nodes: [String: String]
    /// The child's log position this page covers; the hub acknowledges it.
    public var upTo: Int64
    public init(changes: [WireChange], nodes: [String: String], upTo: Int64) {
        self.changes = changes
        self.nodes = nodes
        self.upTo = upTo
    }
}

public struct PushResponse: Codable, Sendable {
    public var acked: Int64
    public var applied: Int
    public var alreadyKnown: Int
    public var conflicts: Int
    public var refused: [String]
    /// The hub's clock when it answered (milliseconds since 1970), so that a child whose
    /// changes were refused for a wrong clock learns by how much it is off.
    public var hubTime: Int64?
    public init(
        acked: Int64, applied: Int, alreadyKnown: Int, conflicts: Int, refused: [String], hubTime: Int64? = nil
    ) {
        self.hubTime = hubTime
        self.acked = acked
        self.applied = applied
        self.alreadyKnown = alreadyKnown
        self.conflicts = conflicts
        self.refused = refused
    }
}

/// `GET /v1/pull?after=SEQ&limit=N`: a page of the hub's log for the caller's scope.
public struct PullResponse: Codable, Sendable {
    public var changes: [WireChange]
    public var nodes: [String: String]
    /// The cursor to ask from next (store it with the page).
    public var next: Int64
    /// True when the hub's log goes on after `next`.
    public var more: Bool
    /// The hub's last log position: how far `next` still has to go (for progress).
    public var last: Int64?
    public init(changes: [WireChange], nodes: [String: String], next: Int64, more: Bool, last: Int64? = nil) {
        self.changes = changes
        self.nodes = nodes
        self.next = next
        self.more = more
        self.last = last
    }
}

/// `GET /v1/snapshot?after=KEY&limit=N`: a page of the records in the caller's scope, whole,
/// what a new node bootstraps from (encoded by `SnapshotPageCodec`).
public struct SnapshotResponse: Sendable, Equatable {
    public var records: [RecordSnapshot]
    /// The org of every node whose versions the snapshot may hold (on the first page).
    public var nodes: [String: String]
    /// The hub's log position when this page was read. A snapshot is followed by a pull from
    /// the position of its first page.
    public var position: Int64
    /// The key to ask from next (store it with the page); nil when the snapshot is complete.
    public var next: String?
    /// How many records the whole snapshot holds (on the first page, for progress).
    public var total: Int?
    /// On the last page: the changes of a later release the hub keeps opaque (tables and
    /// fields it does not know) in the caller's scope. Record rows do not hold them, so a
    /// newer child would otherwise never get them. Older clients skip the key.
    public var later: [WireChange] = []

    public init(
        records: [RecordSnapshot], nodes: [String: String], position: Int64, next: String?, total: Int?,
        later: [WireChange] = []
    ) {
        self.records = records
        self.nodes = nodes
        self.position = position
        self.next = next
        self.total = total
        self.later = later
    }
}

/// `GET /v1/status`: the hub and what it knows of the caller.
public struct StatusResponse: Codable, Sendable {
    public var protocolVersion: Int
    public var node: String
    public var org: String
    public var lastSequence: Int64
    /// The caller's log position the hub has applied.
    public var receivedFromYou: Int64
    /// The epoch of the hub's log (`LogEpoch`): another one than the caller saw last means the
    /// hub was restored from a backup, and its log positions after `epochSince` are new.
    public var epoch: String?
    public var epochSince: Int64?
    /// The hub's clock when it answered (milliseconds since 1970).
    public var hubTime: Int64?
    public init(
        protocolVersion: Int, node: String, org: String, lastSequence: Int64, receivedFromYou: Int64,
        epoch: String? = nil, epochSince: Int64? = nil, hubTime: Int64? = nil
    ) {
        (self.epoch, self.epochSince, self.hubTime) = (epoch, epochSince, hubTime)
        self.protocolVersion = protocolVersion
        self.node = node
        self.org = org
        self.lastSequence = lastSequence
        self.receivedFromYou = receivedFromYou
    }
}

/// The body of every error response.
public struct ErrorResponse: Codable, Sendable {
    public var error: String
    public init(error: String) { self.error = error }
}

extension WireChange {
    public init(_ change: FieldChange) {
        self.init(
            t: change.table, r: change.record.rawValue, o: change.org, f: change.field, v: change.value,
            h: change.hlc.rawValue, n: change.node.rawValue, vv: change.versionVector.description)
    }
}
