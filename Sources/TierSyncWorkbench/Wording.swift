import Foundation
import TierSyncClient
import TierSyncDomain

/// Chinese sentences for the refusals a clerk can meet on a page. Field issues have their
/// own wording (`FieldIssue.chinese`); this covers the rest, and says what to do next.
enum Wording {
    static func chinese(_ error: DomainError, labels: [String: String] = [:], vocabulary: Vocabulary? = nil) -> String {
        if let issue = error.issues.first {
            return issue.chinese(
                label: labels[issue.field] ?? FieldSpec.labels[issue.field] ?? issue.field, vocabulary: vocabulary)
        }
        if let seconds = error.retryAfterSeconds {
            return "密码错误次数过多，请 \(seconds) 秒后再试。"
        }
        switch error.kind {
        case .forbidden: return "无权进行此操作：" + error.description
        case .unauthorized: return "登录名或密码不正确，或账号已停用。"
        case .unavailable: return "上级节点暂不可用，请稍后再试（本地修改已保留，不会丢失）。"
        case .notFound: return "未找到：" + error.description
        default: return "操作未完成：" + error.description
        }
    }

    /// A sync failure as the sync page shows it: what happened and that nothing was lost.
    static func chinese(syncError text: String) -> String {
        if text.contains("unreachable") {
            return "无法连接上级节点（网络中断或对方未开机）。本地修改已保留在待上传队列中，恢复联网后会自动补传。"
        }
        if text.contains("HTTP 401") { return "上级节点拒绝了本节点的凭据（可能已被吊销）。请联系上级管理员重新发放注册码。" }
        if text.contains("HTTP 403") { return "上级节点拒收了部分数据：超出本节点的管辖范围。详情：" + text }
        if text.contains("HTTP 503") { return "上级节点尚未完成与其上级的首次同步，稍后会自动重试。" }
        if text.contains("clock") || text.contains("skew") { return "本机时钟与上级相差过大，已被拒收。请校准电脑时间后重试。详情：" + text }
        if text.contains("no parent") { return "本节点尚未加入上级节点：请在下方用注册码加入。" }
        return "同步失败：" + text
    }
}
