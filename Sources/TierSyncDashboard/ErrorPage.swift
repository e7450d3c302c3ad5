/// A page that explains why the request was refused: 403 outside the operator's scope,
/// 404 for an unknown org or report, 400 for a bad option.
public struct ErrorPage: Sendable {
    public let status: Int
    public let title: String
    public let message: String
    /// Where the operator can go from here (their own scope's overview).
    public let homeHref: String
    public let homeLabel: String

    public init(status: Int, message: String, homeHref: String = "/", homeLabel: String = "返回本辖区概览") {
        self.homeLabel = homeLabel
        self.status = status
        switch status {
        case 403: title = "无权查看"
        case 404: title = "未找到"
        case 400: title = "请求有误"
        default: title = "出错了"
        }
        self.message = message
        self.homeHref = homeHref
    }
}
