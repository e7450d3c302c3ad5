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
