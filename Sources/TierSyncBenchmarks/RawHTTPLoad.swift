import NIOCore
import NIOPosix

/// A lean HTTP/1.1 load generator, as `wrk` or `ab` would be: each request on a connection of
/// its own (as separate township PCs would open), its bytes prepared before the clock starts,
/// its answer read up to its `Content-Length`, all on one event loop.
///
/// The fan-in runs its clients on the hub's 2 cores. URLSession (libcurl) spends about as much
/// CPU per request as the hub does, so with it the benchmark measures the clients as much as
/// the hub; this costs a small fraction of that, and is what measures the hub.
///
/// ```swift
/// let outcomes = try await RawHTTPLoad(host: "127.0.0.1", port: 8080).send(requests)
/// ```
struct RawHTTPLoad {
    let host: String
    let port: Int

    /// One request's fate: its seconds from connecting to the answer's last byte, and why it
    /// failed (a status other than 200, or a connection error); nil when it did not.
    struct Outcome: Sendable {
        let seconds: Double
        let failure: String?
    }

    /// A whole HTTP/1.1 request: method, path, headers and body, with `Content-Length` and
    /// `Connection: close` added.
    static func request(
        method: String, path: String, host: String, headers: [(String, String)], body: [UInt8]
    ) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// Sends every request at once, each on its own connection; returns when all are answered.
    func send(_ requests: [[UInt8]]) async throws -> [Outcome] {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let futures = requests.map { bytes in
            let start = ContinuousClock.now
            let answered = loop.makePromise(of: Int.self)
            return ClientBootstrap(group: loop)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.pipeline.addHandler(ResponseReader(answered: answered))
                }
                .connect(host: host, port: port)
                .flatMap { channel in channel.writeAndFlush(ByteBuffer(bytes: bytes)) }
                .flatMap { answered.futureResult }
                .map { status in Outcome(seconds: Self.since(start), failure: status == 200 ? nil : "HTTP \(status)") }
                .flatMapErrorWithEventLoop { error, loop in
                    answered.fail(error)
                    return loop.makeSucceededFuture(Outcome(seconds: Self.since(start), failure: "\(error)"))
                }
        }
        return try await EventLoopFuture.whenAllSucceed(futures, on: loop).get()
    }

    private static func since(_ start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Reads one HTTP/1.1 answer: its status, once the headers and `Content-Length` bytes of body
/// are in (or the connection closed after the headers), then closes the connection.
private final class ResponseReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    /// An answer that could not be read: cut short, or never come.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private let answered: EventLoopPromise<Int>
    private var received: [UInt8] = []
    private var done = false
    /// How long an answer may take: a hub that never answers fails the run, not hangs it.
    static let timeout = TimeAmount.seconds(120)

    init(answered: EventLoopPromise<Int>) { self.answered = answered }

    func channelActive(context: ChannelHandlerContext) {
        let deadline = context.eventLoop.scheduleTask(in: Self.timeout) { [self] in
            finish(
                context,
                .failure(Malformed(description: "no answer within \(Self.timeout.nanoseconds / 1_000_000_000) s")))
        }
        answered.futureResult.whenComplete { _ in deadline.cancel() }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytesView
        if let (status, complete) = parse(), complete { finish(context, .success(status)) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let (status, _) = parse() {
            finish(context, .success(status))
        } else {
            finish(context, .failure(Malformed(description: "connection closed after \(received.count) bytes")))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { finish(context, .failure(error)) }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<Int, any Error>) {
        guard !done else { return }
        done = true
        answered.completeWith(result)
        context.close(promise: nil)
    }

    /// The status, and whether the whole body is in; nil while the headers are not.
    private func parse() -> (Int, Bool)? {
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headerEnd = received.indices.dropLast(3).first(where: { received[$0..<$0 + 4].elementsEqual(end) })
        else { return nil }
        let head = String(decoding: received[..<headerEnd], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first,
            let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        let length = lines.lazy.compactMap { line -> Int? in
            guard line.hasPrefix("content-length:") else { return nil }
            return Int(String(line.dropFirst("content-length:".count).filter { $0 != " " }))
        }.first
        return (status, length.map { received.count - headerEnd - 4 >= $0 } ?? false)
    }
}
