import Foundation
import GRDB
import TierSyncCore
import TierSyncProtocol
import TierSyncStore

/// Sync by file: a bundle carries what a peer (the parent, or a child) should receive and has
/// not acknowledged; it is checked whole before anything of it is applied.
extension TierSyncNode {
    /// What `exportBundle` wrote.
    public struct BundleSummary: Codable, Sendable {
        public let path: String
        public let toOrg: String
        public let changes: Int
        public let upTo: Int64
    }

    /// What `importBundle` did.
    public struct BundleImport: Codable, Sendable {
        public let fromOrg: String
        public let fromNode: String
        public let report: ApplyReport
    }

    enum Peer {
        case parent(OrgUnit), child(OrgUnit)
        var unit: OrgUnit {
            switch self {
            case .parent(let unit), .child(let unit): unit
            }
        }
    }

    /// Writes the changes `peerOrg` should receive and has not acknowledged: toward the
    /// parent, everything made in this node's subtree; toward a child, everything in that
    /// child's scope made outside it.
    @discardableResult
    public func exportBundle(to peerOrg: String, path: String) throws -> BundleSummary {
        let (peer, cursor, directory) = try store.read { db in
            (try relation(to: peerOrg, db: db), try PeerCursor.find(db, org: peerOrg), try PeerDirectory(db: db))
        }
        let upTo = try store.lastSequence()
        let writer = try BundleWriter(
            path: path,
            header: BundleHeader(
                fromNode: store.node.id.rawValue, fromOrg: org.code, toOrg: peerOrg,
                createdAt: ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds()), upTo: upTo,
                ack: cursor.receivedSeq))
        var senders: [NodeID: String] = [:]
        try store.forEachChange(after: cursor.ackedSeq) { change in
            guard let nodeOrg = directory.org(ofNode: change.node) else { return }
            switch peer {
            case .parent:
                guard directory.org(nodeOrg, isWithin: org) else { return }
            case .child(let child):
                guard directory.org(change.org, isWithin: child), !directory.org(nodeOrg, isWithin: child) else {
                    return
                }
            }
            senders[change.node] = nodeOrg
            try writer.append(change)
        }
        try writer.finish(nodes: senders)
        return BundleSummary(path: path, toOrg: peerOrg, changes: writer.count, upTo: upTo)
    }

    /// Checks a bundle whole (integrity, addressee, scope), then applies it in one
    /// transaction and records what it acknowledges.
    ///
    /// - Parameter skewBound: how far ahead of this node's clock a change's stamp may be, in
    ///   milliseconds; later ones are refused and reported with their node.
    public func importBundle(path: String, skewBound: Int64 = ChangeWriter.defaultSkewBound) throws -> BundleImport {
        let reader = try BundleReader(path: path)
        let header = reader.header
        guard header.toOrg == org.code else {
            throw DomainError.invalidValue(
                field: "bundle", value: path,
                allowed: "a bundle for this node's org \(org.code) \(org.name); this one is for \(header.toOrg)")
        }
        let (peer, directory) = try store.read { db in
            (try relation(to: header.fromOrg, db: db), try PeerDirectory(db: db))
        }
        // Pass 1: the whole file, before anything is applied.
        while let change = try reader.next() {
            try checkScope(change, from: peer, directory: directory)
        }
        let nodes = try senders(reader.trailer?.nodes ?? [:], from: peer, directory: directory)
        // Pass 2: apply in one transaction, a batch at a time.
        let again = try BundleReader(path: path)
        let report = try store.write { writer in
            var report = ApplyReport()
            var batch: [FieldChange] = []
            while let change = try again.next() {
                batch.append(change)
                if batch.count == 2_000 {
                    report.add(try writer.apply(batch, nodes: nodes, skewBound: skewBound))
                    batch.removeAll(keepingCapacity: true)
                }
            }
            report.add(try writer.apply(batch, nodes: nodes, skewBound: skewBound))
            var cursor = try PeerCursor.find(writer.db, org: header.fromOrg)
            cursor.node = header.fromNode
            cursor.receivedSeq = max(cursor.receivedSeq, header.upTo)
            cursor.ackedSeq = max(cursor.ackedSeq, header.ack)
            cursor.lastContact = ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds())
            try cursor.save(writer.db)
            return report
        }
        return BundleImport(fromOrg: header.fromOrg, fromNode: header.fromNode, report: report)
    }

    /// The peer named by `code`: this node's parent or one of its children.
    func relation(to code: String, db: Database) throws -> Peer {
        let unit = try orgUnit(code, db: db)
        if unit.code == org.parent { return .parent(unit) }
        if unit.parent == org.code { return .child(unit) }
        let children = try OrgUnit.filter(Column("parent") == org.code).fetchAll(db).map(\.code)
        throw DomainError.invalidValue(
            field: "peer", value: code,
            allowed:
                "this node's parent (\(org.parent ?? "none")) or one of its children (\(children.joined(separator: ", ")))"
        )
    }

    /// A child writes only inside its subtree; a parent sends only what is in this node's.
    private func checkScope(_ change: FieldChange, from peer: Peer, directory: PeerDirectory) throws {
        let scope = peer.unit.parent == org.code ? peer.unit : org
        guard directory.org(change.org, isWithin: scope) else {
            throw DomainError.invalidValue(
                field: "bundle", value: "\(change.table) \(change.record) of org \(change.org)",
                allowed:
                    "records inside \(scope.code) \(scope.name)'s subtree; the whole bundle from \(peer.unit.code) was refused and nothing applied"
            )
        }
    }

    /// The bundle's senders (node → org), after checking that a child's nodes belong to its
    /// subtree.
    private func senders(_ nodes: [String: String], from peer: Peer, directory: PeerDirectory) throws -> [NodeID:
        String]
    {
        var senders: [NodeID: String] = [:]
        for (id, nodeOrg) in nodes {
            guard let node = NodeID(id) else {
                throw DomainError.invalidValue(field: "bundle node", value: id, allowed: "a node id")
            }
            if case .child(let child) = peer, !directory.org(nodeOrg, isWithin: child) {
                throw DomainError.invalidValue(
                    field: "bundle node", value: "\(id) of org \(nodeOrg)",
                    allowed: "nodes inside \(child.code)'s subtree; the whole bundle was refused and nothing applied")
            }
            senders[node] = nodeOrg
        }
        return senders
    }
}
