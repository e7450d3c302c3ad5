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
        /// Attachments' files written beside the bundle (`filesFolder(ofBundle:)`), and their bytes.
        public var files = 0
        public var fileBytes = 0

        public init(path: String, toOrg: String, changes: Int, upTo: Int64) {
            (self.path, self.toOrg, self.changes, self.upTo) = (path, toOrg, changes, upTo)
        }
    }

    /// What `importBundle` did.
    public struct BundleImport: Codable, Sendable {
        public let fromOrg: String
        public let fromNode: String
        public let report: ApplyReport
        public var files = BundleFiles()

        public init(fromOrg: String, fromNode: String, report: ApplyReport) {
            (self.fromOrg, self.fromNode, self.report) = (fromOrg, fromNode, report)
        }
    }

    /// Writes the changes `peerOrg` should receive and has not acknowledged: toward the
    /// parent, everything made in this node's subtree; toward a child, everything in that
    /// child's scope made outside it.
    @discardableResult
    public func exportBundle(to peerOrg: String, path: String) throws -> BundleSummary {
        let (peer, cursor) = try store.read { db in
            (try relation(to: peerOrg, db: db), try PeerCursor.find(db, org: peerOrg))
        }
        if case .child = peer { try requireBootstrapped() }
        let (upTo, epoch) = try store.read { db in (try store.lastSequence(db: db), try LogEpoch.current(db)) }
        let writer = try BundleWriter(
            path: path,
            header: BundleHeader(
                fromNode: store.node.id.rawValue, fromOrg: org.code, toOrg: peerOrg,
                createdAt: ISOTimestamp.format(milliseconds: store.wallClock.nowMilliseconds()), upTo: upTo,
                ack: cursor.receivedSeq, epoch: epoch.id, epochSince: epoch.sinceSeq,
                wantedFiles: try blobsWanted().prefix(Self.wantedFilesLimit).map(\.sha256)))
        var senders: [NodeID: String] = [:]
        // The files of the attachments the bundle carries go in a folder beside it.
        var files: Set<String> = []
        func append(_ change: FieldChange) throws {
            try writer.append(change)
            if change.table == "attachment", change.field == "sha256", let sha = change.value.textValue {
                files.insert(sha)
            }
        }
        if case .child(let child) = peer, cursor.ackedSeq == 0 {
            // A child that has received nothing yet gets the records as they are now: the log
            // does not hold what this node copied from its own parent's snapshot.
            let directory = try store.read { db in try store.directories.directory(db) }
            try forEachSnapshotChange(for: child) { change in
                senders[change.node] = directory.org(ofNode: change.node)
                try append(change)
            }
        } else {
            (_, senders) = try outgoing(to: peer, after: cursor.ackedSeq) { try append($0) }
        }
        try writer.finish(nodes: senders)
        files.formUnion(try filesWanted(by: peer))
        var summary = BundleSummary(path: path, toOrg: peerOrg, changes: writer.count, upTo: upTo)
        (summary.files, summary.fileBytes) = try writeBundleFiles(files, bundle: path)
        return summary
    }

    /// Checks a bundle whole (integrity, addressee, scope), then applies it in one
    /// transaction and records what it acknowledges.
    ///
    /// - Parameter skewBound: how far ahead of this node's clock a change's stamp may be, in
    ///   milliseconds; later ones are refused and reported with their node.
    public func importBundle(path: String, skewBound: Int64 = ChangeWriter.defaultSkewBound) throws -> BundleImport {
        let reader = try BundleReader(path: path)
        let header = reader.header
        try Self.requireAddressed(header, to: org, path: path)
        let (peer, directory) = try store.read { db in
            (try relation(to: header.fromOrg, db: db), try store.directories.directory(db))
        }
        // Pass 1: the whole file, before anything is applied.
        while let change = try reader.next() {
            try rules.checkScope(change, from: peer, directory: directory)
        }
        let nodes = try rules.senders(reader.trailer?.nodes ?? [:], from: peer, directory: directory)
        // Pass 2: apply in one transaction, a batch at a time.
        let again = try BundleReader(path: path)
        let report = try store.write { writer in
            // The senders are registered once, and the directory read once for every batch.
            for (node, org) in nodes where node != store.node.id { try writer.registerNode(node, org: org) }
            let directory = try writer.directory()
            var report = ApplyReport()
            var batch: [FieldChange] = []
            while let change = try again.next() {
                batch.append(change)
                if batch.count == 2_000 {
                    report.add(
                        try apply(batch, from: peer, writer: &writer, skewBound: skewBound, directory: directory))
                    batch.removeAll(keepingCapacity: true)
                }
            }
            report.add(try apply(batch, from: peer, writer: &writer, skewBound: skewBound, directory: directory))
            let acknowledged = try reconcile(with: header, from: peer, db: writer.db)
            try Self.recordWantedFiles(header.wantedFiles ?? [], of: peer, in: writer.db)
            try recordContact(
                with: peer, node: header.fromNode, received: header.upTo, acknowledged: acknowledged, db: writer.db)
            return report
        }
        var result = BundleImport(fromOrg: header.fromOrg, fromNode: header.fromNode, report: report)
        result.files = try readBundleFiles(bundle: path, from: peer)
        return result
    }

    /// Refuses a bundle made for another org than `org`, before anything of it is read.
    public static func requireAddressed(_ header: BundleHeader, to org: OrgUnit, path: String) throws {
        guard header.toOrg != org.code else { return }
        throw DomainError.invalidValue(
            field: "bundle", value: path,
            allowed: "a bundle for this node's org \(org.code) \(org.name); this one is for \(header.toOrg)")
    }

    /// Applies a batch of a bundle, less the changes a peer may not make.
    private func apply(
        _ batch: [FieldChange], from peer: Peer, writer: inout ChangeWriter, skewBound: Int64,
        directory: PeerDirectory
    ) throws -> ApplyReport {
        let screened = rules.screenDecidedAbove(batch, nodes: [:], directory: directory)
        var report = try writer.apply(screened.allowed, skewBound: peer.skewBound(skewBound), directory: directory)
        report.refused += screened.refused
        try noteArrivals(of: screened.allowed, from: peer, directory: directory, writer: &writer)
        return report
    }
}
