import Foundation
import Logging
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncHub
import TierSyncProtocol
import TierSyncStore

@testable import TierSyncClient

/// Attachments' files over HTTP, city ← county ← township, real hubs on loopback: byte for
/// byte up to the city, never to a sibling, resumed after a cut from the chunks already there,
/// a chunk damaged on the way sent or fetched again, and a hub's limit named.
@Suite final class FileSyncTests {
    /// Passes requests to URLSession, and on demand: loses the answer to the next chunk sent
    /// (the hub stored it, the link dropped), or damages one byte of the next chunk either way.
    final class TamperingTransport: SyncTransport, @unchecked Sendable {
        private let inner = Loopback.transport()
        private let lock = NSLock()
        var loseAnswerAfterChunks: Int?
        var damageNextUpload = false
        var damageNextDownload = false
        private(set) var chunksSent = 0
        private(set) var chunkBytesSent = 0

        func send(_ request: TransportRequest) async throws -> TransportResponse {
            var request = request
            let isChunk = request.url.path.contains("/chunks/")
            if isChunk, request.method == "PUT" {
                lock.withLock {
                    chunksSent += 1
                    chunkBytesSent += request.body?.count ?? 0
                    if damageNextUpload, var body = request.body {
                        body[body.startIndex + 5] ^= 0xff
                        request.body = body
                        damageNextUpload = false
                    }
                }
            }
            var response = try await inner.send(request)
            try lock.withLock {
                if isChunk, request.method == "PUT", let left = loseAnswerAfterChunks {
                    loseAnswerAfterChunks = left - 1
                    if left == 1 {
                        loseAnswerAfterChunks = nil
                        throw URLError(.networkConnectionLost)
                    }
                }
                if isChunk, request.method == "GET", damageNextDownload, response.status == 200 {
                    response.body[response.body.startIndex + 7] ^= 0xff
                    damageNextDownload = false
                }
            }
            return response
        }
    }

    let directory: URL
    let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let city: TierSyncNode
    var servers: [Task<Void, any Error>] = []

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiersync-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        city = try TierSyncNode.create(path: directory.path + "/city.db", org: "520200", logger: silent)
    }

    deinit {
        for server in servers { server.cancel() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Serves `node`'s hub on a free port.
    func serve(_ node: TierSyncNode, limits: TierSyncNode.FileLimits = .init()) async throws -> URL {
        let (url, server) = await Loopback.serve(HubService(node: node, logger: silent, fileLimits: limits))
        servers.append(server)
        return url
    }

    func join(_ org: String, to parent: TierSyncNode, at url: URL, transport: any SyncTransport) async throws
        -> TierSyncNode
    {
        let code = try parent.issueEnrollment(for: org).code
        return try await Enrollment.join(
            path: directory.path + "/\(org).db", parent: url, code: code, transport: transport
        )
        .0
    }

    /// A file of `size` seeded bytes.
    func file(_ name: String, size: Int, seed: UInt64 = 1) -> String {
        var random = SplitMix64(seed: seed)
        var bytes = [UInt8](repeating: 0, count: size)
        for i in 0..<size { bytes[i] = UInt8(truncatingIfNeeded: random.next()) }
        let path = directory.path + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func sync(_ node: TierSyncNode, _ transport: any SyncTransport) async throws -> SyncSession.Summary {
        try await SyncSession(node: node, transport: transport).run()
    }

    func plan(_ node: TierSyncNode) throws -> String {
        try node.add(.plan, values: ["title": "示例·防汛应急预案", "level": "grassroots", "status": "published"]).id.rawValue
    }

    @Test("a township's 3.5 MB document reaches the city byte for byte through its county, and a sibling gets nothing")
    func upToTheCity() async throws {
        let transport = TamperingTransport()
        let cityURL = try await serve(city)
        let county = try await join("520201", to: city, at: cityURL, transport: transport)
        let countyURL = try await serve(county)
        let township = try await join("520201101", to: county, at: countyURL, transport: transport)
        let sibling = try await join("520201102", to: county, at: countyURL, transport: transport)

        let source = file("预案.pdf", size: 3_670_016 + 123)
        let attachment = try township.attach(.plan, id: try plan(township), file: source)
        let up = try await sync(township, transport)
        #expect(up.filesSent == 1 && up.fileBytes == 3_670_139 && up.fileProblems.isEmpty)
        #expect(try await sync(county, transport).filesSent == 1)
        try city.saveAttachment(attachment.id, to: directory.path + "/at-city.pdf")
        #expect(FileManager.default.contentsEqual(atPath: source, andPath: directory.path + "/at-city.pdf"))
        #expect(try await sync(township, transport).fileBytes == 0, "nothing moves twice")

        let other = try await sync(sibling, transport)
        #expect(other.filesFetched == 0)
        #expect(try sibling.attachments().isEmpty)
        let link = try #require(try sibling.parentLink())
        let asSibling = ParentClient(baseURL: countyURL, credential: link.credential, transport: transport)
        #expect(try await asSibling.blobStatus(attachment.sha256) == nil)
        await #expect(throws: ClientError.self) { try await asSibling.fetchChunk(attachment.sha256, index: 0) }
    }

    @Test("an upload cut after its second chunk resumes from the third; a damaged chunk is sent and fetched again")
    func resumeAndRepair() async throws {
        let transport = TamperingTransport()
        let cityURL = try await serve(city)
        let county = try await join("520201", to: city, at: cityURL, transport: transport)
        let source = file("scan.pdf", size: 5 << 20, seed: 2)
        let attachment = try county.attach(.plan, id: try plan(county), file: source)

        transport.loseAnswerAfterChunks = 2
        await #expect(throws: (any Error).self) { try await self.sync(county, transport) }
        #expect(transport.chunksSent == 2)
        transport.damageNextUpload = true
        let resumed = try await sync(county, transport)
        #expect(resumed.filesSent == 1)
        // Chunks 2, 3 and 4, and the damaged one once more.
        #expect(transport.chunksSent == 2 + 3 + 1 && resumed.fileBytes == 3 << 20)
        #expect(try city.attachment(attachment.id).here)

        // A second county-level node below the city fetches it, one chunk damaged on the way.
        let other = try await join("520203", to: city, at: cityURL, transport: transport)
        let shared = try city.add(
            .plan, values: ["title": "示例·市级预案", "level": "overall", "status": "published", "share": "subtree"])
        let cityFile = try city.attach(.plan, id: shared.id.rawValue, file: file("市.pdf", size: 2 << 20, seed: 3))
        transport.damageNextDownload = true
        let fetched = try await sync(other, transport)
        #expect(fetched.filesFetched == 1 && fetched.fileProblems.isEmpty)
        try other.saveAttachment(cityFile.id, to: directory.path + "/other.pdf")
        #expect(
            FileManager.default.contentsEqual(atPath: directory.path + "/市.pdf", andPath: directory.path + "/other.pdf")
        )
    }

    @Test("a file over the hub's limit per file is not sent, and the sync says which limit")
    func overTheLimit() async throws {
        let transport = TamperingTransport()
        let cityURL = try await serve(city, limits: .init(maxFileBytes: 1 << 20, maxChildBytes: 10 << 20))
        let county = try await join("520201", to: city, at: cityURL, transport: transport)
        try county.attach(.plan, id: try plan(county), file: file("big.pdf", size: 2 << 20))
        let summary = try await sync(county, transport)
        #expect(summary.filesSent == 0 && summary.fileProblems.count == 1)
        #expect(summary.fileProblems[0].contains("HTTP 413") && summary.fileProblems[0].contains("--max-file-mb"))
        #expect(transport.chunksSent == 1, "refused at the first chunk")
    }
}
