import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `tiersync serve` running as its own process on a free loopback port, stopped (SIGTERM,
/// then SIGKILL) when the value goes away.
final class HubProcess {
    let process = Process()
    let url: String
    private let output: URL

    init(db: String, scratch: Scratch, syncInterval: Double = 1, port: Int = 0, extra: [String] = []) throws {
        output = scratch.directory.appendingPathComponent("serve-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.executableURL = try TierSyncProcess.binary.get()
        process.arguments =
            [
                "serve", "--db", db, "--listen", "127.0.0.1:\(port)", "--sync-interval", String(syncInterval),
            ] + extra
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var found: String?
        while found == nil, Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                found = String(text[range])
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let found else {
            process.terminate()
            throw ProcessFailure.timedOut(executable: "tiersync serve", arguments: process.arguments ?? [], seconds: 30)
        }
        url = found
    }

    /// What the server printed (its logs go to the same file).
    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(_ seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return try condition()
}
