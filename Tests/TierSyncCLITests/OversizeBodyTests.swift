import Foundation
import Testing

/// Bodies over a path's limit, sent over a plain socket to `tiersync serve` in its own
/// process (so that the test's own load cannot slow the server): answered 413 at once, the
/// rest not read, the connection closed.
@Suite(.serialized, .ownThreads) struct OversizeBodyTests {
    let scratch: Scratch
    let hub: HubProcess
    let port: Int
    let credential: String

    init() throws {
        scratch = try Scratch()
        let city = scratch.path("city.db"), county = scratch.path("county.db")
        _ = try initNode(city, org: "520200")
        hub = try HubProcess(db: city, scratch: scratch)
        port = Int(hub.url.split(separator: ":").last!)!
        try joinNode(county, hub: hub, parentDB: city, org: "520201")
        credential = try SQLiteShell.run(county, "SELECT credential FROM parent_link")
    }

    func head(_ extra: String) -> String {
        "POST /v1/push HTTP/1.1\r\nHost: x\r\nTierSync-Protocol: 1\r\nAuthorization: Bearer \(credential)\r\n" + extra
    }

    @Test("a head declaring a body over the limit is answered 413 at once and the connection closed")
    func declaredOversize() async throws {
        let (port, head) = (port, head("Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n"))
        let (answer, answeredIn, closed) = try await offPool {
            let connection = try RawConnection(port: port)
            defer { connection.close() }
            let started = ContinuousClock.now
            try connection.send(head)
            let answer = connection.read(until: "bytes\"}")
            return (answer, ContinuousClock.now - started, connection.readToEnd().closed)
        }
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
        #expect(answer.contains("at most 33554432 bytes"), "\(answer)")
        #expect(closed, "the connection was left open")
        // No byte of the body was sent: a server that waited for it would never answer. (The
        // bound is loose for a loaded CI machine; alone it answers in milliseconds.)
        #expect(answeredIn < .seconds(10), "answered in \(answeredIn)")
    }

    @Test("an upload from a page over its limit is answered with a Chinese page leading back, not JSON")
    func pageUploadOversize() async throws {
        let port = port
        let record = "/records/plan/7f1c2a9e-0b3d-4c5e-8f60-1a2b3c4d5e6f"
        let head =
            "POST \(record)/attachments?csrf=x HTTP/1.1\r\nHost: x\r\nReferer: http://127.0.0.1:\(port)\(record)\r\n"
            + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 9000000000\r\n\r\n"
        let answer = try await offPool {
            let connection = try RawConnection(port: port)
            defer { connection.close() }
            try connection.send(head)
            return connection.readToEnd().text
        }
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(300))")
        #expect(answer.contains("text/html"), "\(answer.prefix(300))")
        #expect(answer.contains("上传的文件太大") && answer.contains("未保存任何内容"), "\(answer)")
        #expect(answer.contains("href=\"\(record)\"") && answer.contains("返回上一页"), "\(answer)")
    }

    @Test("a chunked body that grows over the limit is cut off with 413")
    func chunkedOversize() async throws {
        let (port, head) = (port, head("Transfer-Encoding: chunked\r\n\r\n"))
        let (answer, closed) = try await offPool {
            let connection = try RawConnection(port: port)
            defer { connection.close() }
            try connection.send(head)
            let chunk = Array("100000\r\n".utf8) + [UInt8](repeating: 0x20, count: 0x100000) + Array("\r\n".utf8)
            // Up to twice the limit (32 MiB), stopping as soon as the server stops reading.
            for _ in 0..<64 {
                do { try connection.send(chunk) } catch { break }
            }
            return connection.readToEnd()
        }
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(300))")
        #expect(closed)
    }
}
