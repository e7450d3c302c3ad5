import Foundation
import TierSyncClient
import TierSyncDomain
import TierSyncReports
import TierSyncStore

/// Chinese sentences for the refusals a clerk can meet on a page. Field issues have their
/// own wording (`FieldIssue.chinese`); this covers the rest, and says what to do next. The
/// English of the domain stays in the logs and the CLI.
enum Wording {
    static func chinese(_ error: any Error) -> String {
        guard let error = error as? DomainError else {
            if error is ReportError { return "报表参数有误：请检查日期（年-月-日）和天数后重试。" }
            if let error = error as? StoreError, error.isTemporary { return storage("\(error)") }
            return "出错了，操作未完成。请稍后重试；如仍出错，请把本页截图发给上级管理员。"
        }
        if let issue = error.issues.first {
            return issue.chinese(label: FieldSpec.labels[issue.field] ?? issue.field)
        }
        if let chinese = error.chinese { return chinese }
        if let seconds = error.retryAfterSeconds { return "密码错误次数过多，请 \(seconds) 秒后再试。" }
        if let (kind, id) = error.missing {
            return "没有找到\(thingNames[kind] ?? RecordKind.named(kind)?.displayName ?? "所要的内容")（\(id)）：可能编号有误，或已不在本节点。"
        }
        switch error.kind {
        case .forbidden: return "无权进行此操作：超出您可查看或填报的单位范围，或您的角色不允许。"
        case .unauthorized: return "登录名或密码不正确，或账号已停用。"
        case .unavailable: return "上级节点暂不可用，请稍后再试（本地修改已保留，不会丢失）。"
        case .throttled: return "尝试次数过多，请稍后再试。"
        case .tooLarge: return "文件过大，超出上级节点的限额。"
        case .notFound: return "没有找到所要的内容。"
        case .badInput: return "操作未完成：输入的内容不符合要求。"
        }
    }

    /// Names of what a page can fail to find, beside the record kinds.
    static let thingNames = [
        "record kind": "这类记录", "conflict": "这个冲突", "user": "这个账号", "material item": "这种物资",
        "stock movement": "这种出入库操作", "org": "这个单位", "report": "这张报表", "stock event": "这条出入库记录",
    ]

    /// A locked database file or a full disk, here or at the parent: nothing was written.
    static func storage(_ text: String) -> String {
        if text.contains("is full") { return "磁盘已满，本次操作未写入任何内容。请清理磁盘空间后重试，已录入的数据不受影响。" }
        return "数据库文件正被其他程序占用（如另一个 TierSync 或备份软件），本次操作未写入。请关闭该程序后重试。"
    }

    /// A sync failure as the sync page shows it: what happened and that nothing was lost.
    static func chinese(syncError text: String) -> String {
        if text.contains("is full") || text.contains("is locked by another process") {
            // The parent's refusal comes as an HTTP status; anything else happened here.
            let whose = text.contains("HTTP 503") ? "上级节点" : "本机"
            return "\(whose)暂时无法写入（" + storage(text) + "）本地修改已保留，稍后会自动重试。"
        }
        if text.contains("unreachable") {
            return "无法连接上级节点（网络中断或对方未开机）。本地修改已保留在待上传队列中，恢复联网后会自动补传。"
        }
        if text.contains("HTTP 401") { return "上级节点拒绝了本节点的凭据（可能已被吊销）。请联系上级管理员重新发放注册码。" }
        if text.contains("HTTP 403") { return "上级节点拒收了部分数据：超出本节点的管辖范围。" }
        if text.contains("HTTP 503") { return "上级节点尚未完成与其上级的首次同步，稍后会自动重试。" }
        if text.contains("clock") || text.contains("skew") { return "本机时钟与上级相差过大，已被拒收。请校准电脑时间后重试。" }
        if text.contains("no parent") { return "本节点尚未加入上级节点：请在下方用注册码加入。" }
        if text.contains("enrollment") || text.contains("code") { return "注册码无效、已过期或已使用，请向上级管理员重新索取。" }
        return "同步未完成，本地修改已保留，稍后会自动重试。"
    }
}
