import Foundation

/// Starts `tiersync serve` for a node as a separate process on a free loopback port and
/// waits until it listens: the demo's hubs are real processes, as in production.
struct HubLauncher {
    let process: Process
    let url: String

    init(db: String, log: URL, syncInterval: Double) throws {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["serve", "--db", db, "--listen", "127.0.0.1:0", "--sync-interval", String(syncInterval)]
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                self.process = process
                self.url = String(text[range])
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw ValidationErrorText("the hub for \(db) did not start; see \(log.path)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
