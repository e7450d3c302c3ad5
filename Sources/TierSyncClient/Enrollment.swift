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
        return try await join(parent: parent, code: code, transport: transport, progress: progress) { node, org in
            try TierSyncNode.create(path: path, org: org, nodeID: node)
        }
    }

    /// Makes a new node with `make` (given its new id and the org the code was issued for),
    /// enrolled with the hub at `parent`, then pulls its scope: `make` makes a SQLite file, or
    /// a hub's store in an empty PostgreSQL database.
    public static func join<Child: SyncChild>(
        parent: URL, code: String, transport: any SyncTransport = URLSessionTransport(),
        progress: (SyncSession.Progress) -> Void = { _ in }, make: (NodeID, String) throws -> Child
    ) async throws -> (Child, SyncSession.Summary) {
        var random = SystemRandomNumberGenerator()
        let nodeID = NodeID.random(using: &random)
        let answer = try await enroll(nodeID, parent: parent, code: code, transport: transport)
        let node = try make(nodeID, answer.org)
        return (node, try await link(node, to: parent, answer, transport: transport, progress: progress))
    }

    private static func enroll(_ node: NodeID, parent: URL, code: String, transport: any SyncTransport) async throws
        -> EnrollResponse
    {
        try await ParentClient(baseURL: parent, credential: nil, transport: transport)
            .enroll(EnrollRequest(code: code, node: node.rawValue))
    }

    /// Records the parent's answer as the node's parent link, then syncs (the bootstrap).
    private static func link(
        _ node: any SyncChild, to parent: URL, _ answer: EnrollResponse, transport: any SyncTransport,
        progress: (SyncSession.Progress) -> Void
    ) async throws -> SyncSession.Summary {
        try node.link(
            to: parent.absoluteString, org: answer.parentOrg, node: answer.parentNode, credential: answer.credential)
        return try await SyncSession(node: node, transport: transport).run(progress: progress)
    }
}

extension Enrollment {
    /// Enrolls an existing node that has no parent yet (made with `tiersync init`, perhaps
    /// with records entered offline) with the hub at `parent`, then syncs: its records go up
    /// and its scope comes down. The code must have been issued for this node's org.
    public static func join(
        node: any SyncChild, parent: URL, code: String, transport: any SyncTransport = URLSessionTransport(),
        progress: (SyncSession.Progress) -> Void = { _ in }
    ) async throws -> SyncSession.Summary {
        guard try node.parentLink() == nil else {
            throw DomainError.invalidValue(
                field: "parent", value: parent.absoluteString, allowed: "a node that has not joined a parent yet",
                rule: .other(chinese: "本节点已加入上级节点，无需再次加入。"))
        }
        // The hub names the code's org only in its answer, so a code for another org is spent
        // by the time it is refused here: the refusal says so, and which code to ask for.
        let org = node.childOrg
        let answer = try await enroll(node.childNode, parent: parent, code: code, transport: transport)
        guard answer.org == org.code else {
            throw DomainError.invalidValue(
                field: "code", value: code, allowed: "a code issued for this node's org \(org.code)",
                rule: .other(
                    chinese: "此注册码是为单位 \(answer.org) 签发的，而本节点是 \(org.code) \(org.name)。此码已作废，请向上级索取本单位的注册码。"))
        }
        return try await link(node, to: parent, answer, transport: transport, progress: progress)
    }
}
