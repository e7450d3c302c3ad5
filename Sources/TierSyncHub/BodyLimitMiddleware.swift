import HTTPTypes
import Hummingbird
import NIOCore

/// Refuses a request whose declared body is over the limit of its path with 413 at once,
/// before a handler runs, and stops reading the connection: a hostile or mistaken client
/// neither gets its gigabytes read to the end nor is left waiting for an answer.
///
/// ```swift
/// router.add(middleware: BodyLimitMiddleware(limits: ["/v1/push": SyncProtocol.maxBody], otherwise: 256 << 10))
/// ```
///
/// A body sent without `Content-Length` (chunked) is bounded where it is read, by the same
/// limits (`collect(upTo:)`, `Pages.saveBody`).
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = HubRequestContext

    /// The largest body per exact path; every other path takes `otherwise`.
    let limits: [String: Int]
    let otherwise: Int
    /// The answer for a person, for paths that are pages (an upload form): nil leaves the
    /// API's JSON answer. Given the request and its path's limit.
    let page: (@Sendable (Request, Int) -> Response?)?

    public init(limits: [String: Int], otherwise: Int, page: (@Sendable (Request, Int) -> Response?)? = nil) {
        (self.limits, self.otherwise, self.page) = (limits, otherwise, page)
    }

    /// The largest body a request to `path` may send: its exact path's limit, else that of a
    /// route template it matches (`/records/{kind}/{id}/attachments`), else that of the
    /// longest key ending in `/` that it starts with (`/v1/blobs/` for every chunk).
    public func limit(for path: String) -> Int {
        if let exact = limits[path] { return exact }
        let segments = path.split(separator: "/")
        if let template = limits.keys.first(where: {
            $0.contains("{") && MethodNotAllowedMiddleware<Context>.matches($0.split(separator: "/"), segments)
        }) {
            return limits[template]!
        }
        let prefix = limits.keys.filter { $0.hasSuffix("/") && path.hasPrefix($0) }.max { $0.count < $1.count }
        return prefix.flatMap { limits[$0] } ?? otherwise
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let limit = limit(for: request.uri.path)
        guard let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit else {
            var request = request
            request.body = RequestBody(
                asyncSequence: LimitedBody(
                    base: request.body, limit: limit, path: request.uri.path, channel: context.channel))
            return try await next(request, context)
        }
        if var answer = page?(request, limit) {
            context.channel.close(mode: .input, promise: nil)
            answer.headers[.connection] = "close"
            return answer
        }
        return Self.refuse(
            "the request body is \(declared) bytes; \(request.uri.path) takes at most \(limit) bytes",
            channel: context.channel)
    }

    /// The 413 answer, after closing the connection's input: that ends the server's read of
    /// this request (and of the connection); the answer is still written, then it closes.
    static func refuse(_ message: String, channel: any Channel) -> Response {
        channel.close(mode: .input, promise: nil)
        var response = HubError(status: .contentTooLarge, message: message).response()
        response.headers[.connection] = "close"
        return response
    }
}

/// A request body that throws 413 (and stops reading the connection) as soon as more than
/// `limit` bytes have arrived: the bound for bodies sent without `Content-Length`.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int
    let path: String
    let channel: any Channel

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let body: LimitedBody
        var received = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            received += buffer.readableBytes
            guard received <= body.limit else {
                body.channel.close(mode: .input, promise: nil)
                throw HubError(
                    status: .contentTooLarge,
                    message: "the request body is over \(body.limit) bytes, the most \(body.path) takes")
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), body: self) }
}
