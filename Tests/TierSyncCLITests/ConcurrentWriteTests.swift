import Foundation
import Testing

/// One office PC may run several `tiersync` processes on one node at once (a script and a
/// clerk, later the sync service): writers wait for each other and nothing is lost.
@Suite(.ownThreads) struct ConcurrentWriteTests {
    @Test("processes writing one node at the same time all succeed and every change is logged once")
    func concurrentProcesses() throws {
        let scratch = try Scratch()
        let db = scratch.path("node.db")
        _ = try initNode(db, org: "520201")
        let binary = try TierSyncProcess.binary.get().path
        let perProcess = 15
        let script =
            (0..<4).map { worker in
                "( for i in $(seq 1 \(perProcess)); do '\(binary)' contact add --db '\(db)' --role liaison "
                    + "--name 示例\(worker)-$i --phone 1390000\(worker)$(printf %03d $i) >/dev/null || exit 1; done ) &"
            }.joined(separator: "\n") + "\nfail=0; for job in $(jobs -p); do wait $job || fail=1; done; exit $fail"
        let run = try Subprocess.run(URL(fileURLWithPath: "/bin/bash"), ["-c", script], timeout: 180)
        #expect(run.succeeded, "\(run.summary)")
        let records = try exportedRecords(db)
        #expect(records.count == 4 * perProcess)
        // role, name, phone and the default last-confirmed date: four changes per contact.
        #expect(try changeLogCount(db) == 4 * perProcess * 4)
    }
}
