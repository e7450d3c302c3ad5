import Foundation
import TierSyncClient

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when it is a terminal (scripts and
/// logs see nothing), cleared when the transfer ends.
final class ProgressBar {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var drawn = false

    func update(_ progress: SyncSession.Progress) {
        guard enabled else { return }
        let verb = ["push": "pushing", "snapshot": "copying", "pull": "pulling", "files": "moving files"][
            progress.phase.rawValue]!
        var line = "\r\u{1B}[2K\(verb) "
        if let fraction = progress.fraction {
            let width = 30
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += String(format: "%3.0f%% ", fraction * 100)
        }
        let unit = ["snapshot": "records", "files": "bytes"][progress.phase.rawValue] ?? "changes"
        line += "\(progress.changes) \(unit)"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
