import Foundation
import Testing
import TierSyncHub

/// The hub's queue of connections waiting to be accepted, as the kernel reports it for the
/// listening socket (`ss`): long enough for a thousand townships reconnecting at once.
@Suite struct ListenBacklogTests {
    @Test("a served hub listens with a backlog of 4096, as far as net.core.somaxconn allows, not Hummingbird's 256")
    func backlog() async throws {
        let hub = try await LiveHub()
        defer { hub.stop() }
        let port = hub.url.port!
        let ss = Process()
        ss.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        ss.arguments = ["ss", "-ltnH", "sport = :\(port)"]
        let output = Pipe()
        ss.standardOutput = output
        try ss.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ss.waitUntilExit()
        // LISTEN  Recv-Q  Send-Q  local  peer: for a listening socket, Send-Q is its backlog.
        let columns = text.split(whereSeparator: \.isWhitespace)
        try #require(columns.count >= 4 && columns[0] == "LISTEN", "ss printed: \(text)")
        let limit = Int(
            try String(contentsOfFile: "/proc/sys/net/core/somaxconn", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))!
        #expect(Int(columns[2]) == min(HubService.listenBacklog, limit), "ss printed: \(text)")
        #expect(HubService.listenBacklog >= 1024)
    }
}
