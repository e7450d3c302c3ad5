import CTierSyncZlib
import Foundation
import Testing
import TierSyncCore

@testable import TierSyncProtocol

@Suite final class BundleTests {
    let directory: URL
    let node = NodeID("00000000000000aa")!

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tiersync-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    let header = BundleHeader(
        fromNode: "00000000000000aa", fromOrg: "520201101", toOrg: "520201", createdAt: "2026-11-29T03:30:00.000Z",
        upTo: 2, ack: 0)

    func changes(_ count: Int) -> [FieldChange] {
        var random = SplitMix64(seed: 7)
        var result: [FieldChange] = []
        for i in 0..<count {
            let value: FieldValue
            switch i % 3 {
            case 0: value = .text("示例\"\(i)\"\n\\")
            case 1: value = .integer(Int64(i))
            default: value = .real(Double(i) + 0.5)
            }
            let stamp = HLCTimestamp(physical: 1_764_000_000_000 + Int64(i), counter: 0)
            result.append(
                FieldChange(
                    table: "contact", record: RecordID.random(using: &random), org: "520201101", field: "name",
                    value: value,
                    hlc: stamp, node: node, versionVector: VersionVector([node: UInt64(i + 1)])))
        }
        return result
    }

    func write(_ changes: [FieldChange], to name: String) throws -> String {
        let writer = try BundleWriter(path: path(name), header: header)
        for change in changes { try writer.append(change) }
        try writer.finish(nodes: [node: "520201101"])
        return path(name)
    }

    func readAll(_ path: String) throws -> (BundleHeader, [FieldChange], BundleTrailer?) {
        let reader = try BundleReader(path: path)
        var read: [FieldChange] = []
        while let change = try reader.next() { read.append(change) }
        return (reader.header, read, reader.trailer)
    }

    @Test(
        "a bundle round-trips its header, every change (text with quotes and line breaks, numbers) and the node directory"
    )
    func roundTrip() throws {
        let sent = changes(2_000)
        let (header, received, trailer) = try readAll(try write(sent, to: "b.tsb"))
        #expect(header == self.header)
        #expect(received == sent)
        #expect(trailer?.count == 2_000 && trailer?.nodes == ["00000000000000aa": "520201101"])
        #expect(!FileManager.default.fileExists(atPath: path("b.tsb.partial")))
    }

    @Test("a bundle cut at any point is refused as truncated or damaged, never read as shorter")
    func truncated() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try write(changes(300), to: "t.tsb")))
        for cut in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 97)) + [bytes.count - 1] {
            let cutPath = path("cut-\(cut).tsb")
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: cutPath))
            #expect(throws: BundleError.self, "cut at \(cut) of \(bytes.count)") { _ = try readAll(cutPath) }
        }
    }

    @Test("a bundle with any byte altered is refused")
    func altered() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try write(changes(300), to: "a.tsb")))
        var random = SplitMix64(seed: 11)
        for _ in 0..<60 {
            var damaged = bytes
            let index = Int.random(in: 10..<bytes.count, using: &random)
            damaged[index] ^= UInt8.random(in: 1...255, using: &random)
            let damagedPath = path("damaged.tsb")
            try damaged.write(to: URL(fileURLWithPath: damagedPath))
            #expect(throws: BundleError.self, "byte \(index)") { _ = try readAll(damagedPath) }
        }
    }

    @Test("a file that is not a bundle, or of a newer format, is refused with a clear error")
    func notABundle() throws {
        let text = path("notes.txt")
        try Data("乡镇台账\n".utf8).write(to: URL(fileURLWithPath: text))
        #expect { try BundleReader(path: text) } throws: { "\($0)".contains("not a TierSync bundle") }
        var future = header
        future.version = 9
        let writer = try BundleWriter(path: path("future.tsb"), header: future)
        try writer.finish(nodes: [:])
        #expect { try BundleReader(path: path("future.tsb")) } throws: { "\($0)".contains("format version 9") }
    }

    @Test("the version 1 format kept as a fixture still reads")
    func fixture() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/bundle-v1.jsonl")
        let lines = try Data(contentsOf: fixture)
        let gzip = try GzipFileWriter(path: path("fixture.tsb"))
        let crc = lines.withUnsafeBytes {
            crc32(crc32(0, nil, 0), $0.bindMemory(to: UInt8.self).baseAddress, uInt($0.count))
        }
        try gzip.write(
            Array(lines)
                + Array(
                    "{\"end\":{\"count\":2,\"crc32\":\(crc),\"nodes\":{\"00000000000000aa\":\"520201101\"}}}\n".utf8))
        try gzip.finish()
        let (header, received, _) = try readAll(path("fixture.tsb"))
        #expect(header.fromOrg == "520201101" && header.upTo == 2)
        #expect(received.map(\.value) == [.text("示例·王一"), .integer(120)])
        #expect(received[0].hlc.rawValue == 117_964_288_000_000_000)
    }
}
