import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `tiersync demo`: the README's first command, the live hierarchy on this machine.
@Suite(.serialized, .ownThreads) struct DemoCommandTests {
    @Test("the demo syncs five nodes through three hubs, converges on a concurrent edit and isolates siblings")
    func demo() throws {
        let scratch = try Scratch()
        let run = try TierSyncProcess.run(["demo", "--dir", scratch.path("demo")], timeout: 120)
        #expect(run.succeeded && run.stderr.isEmpty, "\(run.summary)")
        let out = run.stdout
        #expect(out.contains("no: siblings are isolated"))
        // Which edit is shown depends on the stamps; that every node shows the same one does not.
        #expect(out.contains("conflict 1 on phone: shown 139000"))
        let shown = out.matches(of: #/  (大河镇|钟山区|六盘水市): (139[0-9]{8})/#).map { String($0.2) }
        #expect(shown.count == 3 && Set(shown).count == 1, "\(shown)")
        #expect(out.contains("贵州省: 15 records of the whole province"))
        // The city's coverage report ends the demo: 大河镇 has a plan, the other 18 units none.
        #expect(out.contains("7. The city's consolidated view"))
        #expect(out.contains(#/520200  合计 +19 +1 +5\.3 +18/#), "\(out)")
        for name in ["province", "city", "county", "dahe", "wangjiazhai"] {
            #expect(FileManager.default.fileExists(atPath: scratch.path("demo/\(name).db")))
        }
        // Three hubs were started (province, city, county).
        let urls = out.matches(of: #/listening on (http://127\.0\.0\.1:[0-9]+)/#).map { String($0.1) }
        #expect(urls.count == 3)
    }

    @Test("with --keep-running the hubs stay up and their URLs and pids are printed")
    func keepRunning() throws {
        let scratch = try Scratch()
        let run = try TierSyncProcess.run(["demo", "--dir", scratch.path("demo"), "--keep-running"], timeout: 120)
        #expect(run.succeeded, "\(run.summary)")
        let pids = run.stdout.matches(of: #/\(pid ([0-9]+)\)/#).compactMap { Int32($0.1) }
        #expect(pids.count == 3)
        #expect(
            run.stdout.contains(
                #/The city's dashboard: http://127\.0\.0\.1:[0-9]+/ \(sign in with the operator credential op-/#))
        for pid in pids {
            #expect(kill(pid, 0) == 0, "hub \(pid) is not running")
            kill(pid, SIGTERM)
        }
    }
}
