import Foundation

/// `tiersync serve` for a node as its own process (the binary built beside this one), on a
/// free loopback port: the hub the benchmarks measure, memory included.
struct ServeProcess {
    let process: Process
    let url: URL

    static func start(db: String, log: URL, arguments: [String] = []) throws -> ServeProcess {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = Self.tiersync
        process.arguments = ["serve", "--db", db, "--listen", "127.0.0.1:0"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: log)
        try process.run()
        for _ in 0..<600 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                return ServeProcess(process: process, url: URL(string: String(text[range]))!)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw ValidationErrorText("the hub for \(db) did not start; see \(log.path)")
    }

    /// The tiersync binary beside this benchmark, or `$TIERSYNC_BINARY` (to run an earlier
    /// build's hub beside this one's, in one session).
    static var tiersync: URL {
        if let path = ProcessInfo.processInfo.environment["TIERSYNC_BINARY"] { return URL(fileURLWithPath: path) }
        return (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .deletingLastPathComponent().appendingPathComponent("tiersync")
    }

    /// Stops the hub and waits for it to exit (it lets go of its database).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
