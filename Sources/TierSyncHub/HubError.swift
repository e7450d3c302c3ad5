import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import TierSyncDomain
import TierSyncProtocol
import TierSyncReports
import TierSyncStore

/// An error answered with a status and a JSON body `{"error": "..."}`; domain errors are
/// mapped to HTTP only here, at the edge.
struct HubError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    static func badRequest(_ message: String) -> HubError { HubError(status: .badRequest, message: message) }
    static func unauthorized(_ message: String) -> HubError { HubError(status: .unauthorized, message: message) }

    init(status: HTTPResponse.Status, message: String) {
        self.status = status
        self.message = message
    }

    /// The response for any error a handler throws.
    init(_ error: any Error) {
        switch error {
        case let error as HubError: self = error
        case let error as DomainError:
            switch error.kind {
            case .badInput: self.init(status: .badRequest, message: error.description)
            case .notFound: self.init(status: .notFound, message: error.description)
            case .unauthorized: self.init(status: .unauthorized, message: error.description)
            case .forbidden: self.init(status: .forbidden, message: error.description)
            case .unavailable: self.init(status: .serviceUnavailable, message: error.description)
            case .throttled: self.init(status: .tooManyRequests, message: error.description)
            case .tooLarge: self.init(status: .contentTooLarge, message: error.description)
            }
        case let error as ReportError:
            self.init(status: error.isNotFound ? .notFound : .badRequest, message: error.description)
        case let error as GzipError:
            self.init(status: .badRequest, message: "the request body is not readable gzip: \(error)")
        case let error as StoreError where error.isTemporary:
            self.init(status: .serviceUnavailable, message: error.description)
        case let error as any TemporaryFailure where error.isTemporary:
            self.init(status: .serviceUnavailable, message: "the hub's database is unavailable; try again: \(error)")
        case let error as StoreError where error.isMissingRecord:
            self.init(status: .notFound, message: error.description)
        case let error as StoreError where error.isBadRequest:
            self.init(status: .badRequest, message: error.description)
        case let error as WireChangeError:
            self.init(status: .badRequest, message: "a change in the request body is malformed: \(error)")
        case let error as HTTPResponseError:
            // Hummingbird's own (a body over the limit, say): keep its status, word it ourselves.
            self.init(status: error.status, message: Self.wording(of: error.status))
        case is HTTPParserError:
            // The connection was cut mid-request (a township's link): nobody is left to answer.
            self.init(
                status: .badRequest, message: "the request ended before its end (the connection was cut): send it again"
            )
        case is DecodingError, is JSONReaderFailure:
            self.init(status: .badRequest, message: "the request body is not the JSON this endpoint takes: \(error)")
        default: self.init(status: .internalServerError, message: "internal error: \(error)")
        }
    }

    /// What a status Hummingbird raised by itself means to the sender.
    private static func wording(of status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "the request body is larger than this endpoint takes"
        default: "the request was refused: \(status.code) \(status.reasonPhrase)"
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    /// The JSON response `{"error": message}` with this status.
    func response() -> Response {
        let body = (try? JSONEncoder().encode(ErrorResponse(error: message))) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HubService {
    /// The HTTP status code an error answers with, for an edge that words the message itself
    /// (the site's pages): the same mapping as the API's.
    public static func statusCode(of error: any Error) -> Int { Int(HubError(error).status.code) }
}
