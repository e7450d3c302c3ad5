import Foundation
import TierSyncCore
import TierSyncDomain
import TierSyncProtocol
import TierSyncStore

/// Joining a parent: exchange a one-time code for a node credential, make the node for the
/// org the code was issued for, and bootstrap its scope.
public enum Enrollment {
    /// Makes a new node at `path` enrolled with the hub at `parent`, then pulls its scope.
    public static func join(
        path: String, parent: URL, code: String, transport: any SyncTransport = URLSessionTransport(),
        progress: (SyncSession.Progress) -> Void = { _ in }
    ) async throws -> (TierSyncNode, SyncSession.Summary) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw DomainError.invalidValue(
                field: "db", value: path, allowed: "a file that does not exist yet (join makes the node)")
        }
        var random = SystemRandomNumberGenerator()
        let nodeID = NodeID.random(using: &random)
        let answer = try await ParentClient(baseURL: parent, credential: nil, transport: transport)
            .enroll(EnrollRequest(code: code, node: nodeID.rawValue))
        let node = try TierSyncNode.create(path: path, org: answer.org, nodeID: nodeID)
        try node.link(
            to: parent.absoluteString, org: answer.parentOrg, node: answer.parentNode, credential: answer.credential)
        let summary = try await SyncSession(node: node, transport: transport).run(progress: progress)
        return (node, summary)
    }
}

extension Enrollment {
    /// Enrolls an existing node that has no parent yet (made with `tiersync init`, perhaps
    /// with records entered offline) with the hub at `parent`, then syncs: its records go up
    /// and its scope comes down. The code must have been issued for this node's org.
    public static func join(
        node: TierSyncNode, parent: URL, code: String, transport: any SyncTransport = URLSessionTransport()
    ) async throws -> SyncSession.Summary {
        guard try node.parentLink() == nil else {
            throw DomainError.invalidValue(
                field: "parent", value: parent.absoluteString, allowed: "a node that has not joined a parent yet",
                rule: .other(chinese: "本节点已加入上级节点，无需再次加入。"))
        }
        let answer = try await ParentClient(baseURL: parent, credential: nil, transport: transport)
            .enroll(EnrollRequest(code: code, node: node.store.node.id.rawValue))
        guard answer.org == node.org.code else {
            throw DomainError.invalidValue(
                field: "code", value: code, allowed: "a code issued for this node's org \(node.org.code)",
                rule: .other(chinese: "此注册码是为单位 \(answer.org) 签发的，而本节点是 \(node.org.code) \(node.org.name)。请向上级索取本单位的注册码。"))
        }
        try node.link(
            to: parent.absoluteString, org: answer.parentOrg, node: answer.parentNode, credential: answer.credential)
        return try await SyncSession(node: node, transport: transport).run()
    }
}
