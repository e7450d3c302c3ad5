import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one run of a command-line program printed and how it ended.
struct ProcessOutput: Sendable {
    let arguments: [String]
    let exitCode: Int32
    let stdoutData: Data
    let stderrData: Data

    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    var stderr: String { String(decoding: stderrData, as: UTF8.self) }

    /// Standard output without the final line break.
    var output: String { stdout.trimmingCharacters(in: .newlines) }

    /// Standard error's non-empty lines.
    var errorLines: [String] {
        stderr.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map(String.init)
    }

    var succeeded: Bool { exitCode == 0 }

    /// A one-line account of the run, for failure messages.
    var summary: String {
        "`\(arguments.joined(separator: " "))` exited \(exitCode); stdout: \(stdout.debugDescription); stderr: \(stderr.debugDescription)"
    }
}

enum ProcessFailure: Error, CustomStringConvertible {
    case timedOut(executable: String, arguments: [String], seconds: Double)
    case missingExecutable(String, searched: [String])
    case unexpected(String)

    var description: String {
        switch self {
        case .timedOut(let executable, let arguments, let seconds):
            return
                "\(executable) \(arguments.joined(separator: " ")) did not finish within \(seconds) s and was terminated"
        case .missingExecutable(let name, let searched):
            return "cannot find \(name); looked in: \(searched.joined(separator: ", "))"
        case .unexpected(let what): return what
        }
    }
}

/// Runs a program as a subprocess with output captured in files (so a large output never
/// fills a pipe and blocks the child), an empty standard input, and a timeout.
enum Subprocess {
    static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
        timeout: Double = 60
    ) throws -> ProcessOutput {
        let captureDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tiersync-capture-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: captureDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: captureDirectory) }
        let stdoutURL = captureDirectory.appendingPathComponent("stdout")
        let stderrURL = captureDirectory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        try stdoutHandle.close()
        try stderrHandle.close()
        if timedOut {
            throw ProcessFailure.timedOut(
                executable: executable.path, arguments: arguments, seconds: timeout)
        }
        return ProcessOutput(
            arguments: [executable.lastPathComponent] + arguments, exitCode: process.terminationStatus,
            stdoutData: try Data(contentsOf: stdoutURL), stderrData: try Data(contentsOf: stderrURL))
    }
}

/// The built `tiersync` binary, run as a user runs it.
///
/// It is found next to the running test executable (SwiftPM puts every product of a build
/// in one folder, e.g. `.build/debug/`), or at `$TIERSYNC_BINARY`.
enum TierSyncProcess {
    static let binary: Result<URL, ProcessFailure> = locateBinary()

    static func locateBinary() -> Result<URL, ProcessFailure> {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let override = environment["TIERSYNC_BINARY"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        var folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL {
            folders.append(executable.deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        // On macOS the tests run inside `X.xctest/Contents/MacOS/` under the products folder.
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent().deletingLastPathComponent())
        for folder in folders {
            candidates.append(folder.appendingPathComponent("tiersync"))
            candidates.append(folder.deletingLastPathComponent().appendingPathComponent("tiersync"))
        }
        let manager = FileManager.default
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                !isDirectory.boolValue,
                manager.isExecutableFile(atPath: candidate.path)
            {
                return .success(candidate.standardizedFileURL)
            }
        }
        return .failure(.missingExecutable("the tiersync binary", searched: candidates.map(\.path)))
    }

    /// Runs `tiersync ARGUMENTS` with the default log level, so standard error holds only
    /// what the command itself reports.
    static func run(_ arguments: [String], timeout: Double = 60) throws -> ProcessOutput {
        var environment = ProcessInfo.processInfo.environment
        environment["TIERSYNC_LOG_LEVEL"] = nil
        return try Subprocess.run(
            try binary.get(), arguments, environment: environment, timeout: timeout)
    }
}

/// The `sqlite3` command-line shell, for looking at a node's file from outside TierSync.
enum SQLiteShell {
    static let executable: URL? = [
        "/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3",
    ]
    .first { FileManager.default.isExecutableFile(atPath: $0) }
    .map { URL(fileURLWithPath: $0) }

    static var isAvailable: Bool { executable != nil }

    /// Runs `sql` on the database at `path` and returns what it printed; fails on an error.
    @discardableResult
    static func run(_ path: String, _ sql: String) throws -> String {
        guard let executable else {
            throw ProcessFailure.missingExecutable("sqlite3", searched: ["/usr/bin", "/usr/local/bin"])
        }
        let result = try Subprocess.run(executable, ["-batch", path, sql], timeout: 30)
        guard result.succeeded else { throw SQLiteShellError(message: result.summary) }
        return result.output
    }

    /// The single integer `sql` selects.
    static func integer(_ path: String, _ sql: String) throws -> Int {
        let text = try run(path, sql)
        guard let value = Int(text) else {
            throw SQLiteShellError(
                message: "expected an integer from \(sql), got \(text.debugDescription)")
        }
        return value
    }
}

struct SQLiteShellError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
