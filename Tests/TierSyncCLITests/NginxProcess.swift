import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// nginx in front of hub processes, from the example in `SyncServer/deploy`, as written but
/// for its addresses: the upstream servers become `upstreams`, the listening one a free
/// loopback port. Stopped when the value goes away.
final class NginxProcess {
    let process = Process()
    /// Where children reach the hubs through it.
    let url: String
    private let folder: URL

    /// The example: its upstream servers and its listening address are replaced.
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../SyncServer/deploy/nginx-postgres-hubs.conf").standardized

    init(upstreams: [String], scratch: Scratch) throws {
        folder = scratch.directory.appendingPathComponent("nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var site = try String(contentsOf: Self.example, encoding: .utf8)
        let servers = upstreams.map {
            "    server \($0.replacingOccurrences(of: "http://", with: "")) max_fails=1 fail_timeout=10s;"
        }
        let lines = site.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.filter { !$0.hasPrefix("    server 127.0.0.1:808") }
        guard lines.count - kept.count == 2, let upstream = kept.firstIndex(where: { $0.hasPrefix("upstream ") }) else {
            throw ProcessFailure.unexpected("the example's upstream block changed: \(Self.example.path)")
        }
        var edited = kept.map(String.init)
        edited.insert(contentsOf: servers, at: upstream + 1)
        let port = try Self.freePort()
        site = edited.joined(separator: "\n").replacingOccurrences(
            of: "listen 127.0.0.1:8080;", with: "listen 127.0.0.1:\(port);")
        let path = folder.path
        let conf = """
            daemon off;
            worker_processes 1;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log;
            events { worker_connections 256; }
            http {
                log_format upstreams '$request_method $uri $upstream_addr $status';
                access_log \(path)/access.log upstreams;
                client_body_temp_path \(path)/body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
            \(site)
            }
            """
        try conf.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-p", path, "-c", folder.appendingPathComponent("nginx.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        url = "http://127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, process.isRunning, !Self.accepts(port) { Thread.sleep(forTimeInterval: 0.05) }
        guard process.isRunning, Self.accepts(port) else {
            throw ProcessFailure.unexpected("nginx did not start: \(log)")
        }
    }

    /// nginx's error log.
    var log: String {
        (try? String(contentsOfFile: folder.appendingPathComponent("error.log").path, encoding: .utf8)) ?? ""
    }

    /// The requests nginx passed on, one per line: method, path, the upstream(s) that
    /// answered (`host:port`, several when one failed first), status.
    var requests: [String] {
        ((try? String(contentsOfFile: folder.appendingPathComponent("access.log").path, encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// The upstream (`host:port`) that answered each request of `method` to a path starting
    /// with `path` with 200, in order (the last one tried, when one failed first).
    func upstreams(answering method: String, _ path: String) -> [String] {
        requests.compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count >= 4, parts[0] == method, parts[1].hasPrefix(path), parts.last == "200" else {
                return nil
            }
            return String(parts[parts.count - 2])
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    /// A loopback port free now (bound, then released).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw ProcessFailure.unexpected("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True when something accepts connections on the loopback `port`.
    static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
