import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TierSyncDomain
import TierSyncHub
import TierSyncStore

/// Files attached to records, from the record's page: uploaded (streamed to a temporary file,
/// never held whole), downloaded a chunk at a time, removed. A person reaches the files of the
/// records they may see, and attaches to or removes from those they may edit.
extension Pages {
    /// `POST /records/{kind}/{id}/attachments?csrf=TOKEN`: a multipart upload of one file.
    func uploadAttachment(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let kind = try editableKind(page)
            let record = try await visibleRecord(kind, page.parameter("id"), visitor: visitor)
            let back = "/records/\(kind.name)/\(record.id.rawValue)"
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tiersync-attach-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let body = folder.appendingPathComponent("body"), file = folder.appendingPathComponent("file")
            guard let type = page.request.headers[.contentType], let boundary = Multipart.boundary(type) else {
                return await errorPage(400, "请先选择要上传的文件，再点“上传附件”。", visitor)
            }
            guard try await saveBody(page, to: body, limit: Self.maxAttachmentBody(fileLimits)) else {
                return await errorPage(
                    413, "文件超过 \(fileLimits.maxFileBytes >> 20) MB，未上传。请压缩或拆分后再上传。", visitor)
            }
            guard
                let name = try await blocking({
                    try Multipart.extractFile(from: body.path, boundary: boundary, to: file.path)
                }),
                !name.isEmpty
            else {
                return await errorPage(400, "上传的内容里没有文件，请重新选择后再上传。", visitor)
            }
            do {
                try await blocking { [node] in
                    try visitor.writer(node).attach(kind, id: record.id.rawValue, file: file.path, name: name)
                }
                return redirect(back + "?attached=1")
            } catch let error as DomainError {
                return await errorPage(error.kind == .forbidden ? 403 : 400, "附件未上传：" + Wording.chinese(error), visitor)
            }
        }
    }

    /// The largest upload body for one attached file: the file and its multipart framing.
    static func maxAttachmentBody(_ limits: TierSyncNode.FileLimits) -> Int { limits.maxFileBytes + (128 << 10) }

    /// `GET /attachments/{id}`: the file, streamed a chunk at a time.
    func downloadAttachment(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            let attachment = try await visibleAttachment(page.parameter("id"), visitor: visitor)
            guard attachment.here else {
                return await errorPage(404, "附件“\(attachment.name)”的文件尚未同步到本机，请同步后再下载。", visitor)
            }
            let (node, sha256) = (node, attachment.sha256)
            let chunks = (attachment.size + BlobStore.chunkSize - 1) / BlobStore.chunkSize
            let body = ResponseBody { writer in
                for index in 0..<chunks {
                    guard let bytes = try await blocking({ try node.blobChunk(sha256, index: index) }) else {
                        throw StoreError.blobNotHere(sha256: sha256)
                    }
                    try await writer.write(ByteBuffer(bytes: bytes))
                }
                try await writer.finish(nil)
            }
            let encoded = attachment.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
            return Response(
                status: .ok,
                headers: [
                    .contentType: attachment.type, .contentLength: String(attachment.size),
                    .contentDisposition: "attachment; filename=\"file\"; filename*=UTF-8''\(encoded)",
                    .cacheControl: "no-store",
                ],
                body: body)
        }
    }

    /// `POST /attachments/{id}/remove`: removes it, back to its record's page.
    func removeAttachment(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        return try await signedIn(page, .enter, form: form) { visitor in
            let attachment = try await visibleAttachment(page.parameter("id"), visitor: visitor)
            do {
                try await blocking { [node] in try visitor.writer(node).removeAttachment(attachment.id) }
            } catch let error as DomainError {
                return await errorPage(error.kind == .forbidden ? 403 : 400, "附件未删除：" + Wording.chinese(error), visitor)
            }
            return redirect("/records/\(attachment.kind)/\(attachment.record)?removed=1")
        }
    }

    /// The attachment `id`, when the visitor may see its record.
    func visibleAttachment(_ id: String, visitor: Visitor) async throws -> Attachment {
        let attachment = try await blocking { [node] in try node.attachment(id) }
        guard let kind = RecordKind.named(attachment.kind) else {
            throw DomainError.notFound(kind: "attachment", id: id)
        }
        _ = try await visibleRecord(kind, attachment.record, visitor: visitor)
        return attachment
    }
}

/// The attachments panel of a record's page.
struct AttachmentsView: Sendable {
    struct File: Sendable {
        let id: String
        let name: String
        let type: String
        let size: String
        let here: Bool
        /// Where the file stands with the parent, for a node that has one.
        let upward: String?
        let href: String
        let removeAction: String?
    }

    let files: [File]
    let hasFiles: Bool
    /// The upload form's action (with the CSRF token: the body is a file); nil when read-only.
    let uploadAction: String?
    let csrf: String
    let notice: String?

    init(
        _ attachments: [Attachment], kind: RecordKind, record: String, csrf: String, writable: Bool, hasParent: Bool,
        notice: String?
    ) {
        files = attachments.map {
            File(
                id: $0.id, name: $0.name, type: MediaType.chineseName(of: $0.type), size: $0.sizeText, here: $0.here,
                upward: hasParent && $0.here ? ($0.sentUp ? "已送达上级" : "待下次同步上传") : nil,
                href: "/attachments/\($0.id)",
                removeAction: writable ? "/attachments/\($0.id)/remove" : nil)
        }
        hasFiles = !files.isEmpty
        uploadAction = writable ? "/records/\(kind.name)/\(record)/attachments?csrf=\(csrf)" : nil
        self.csrf = csrf
        self.notice = notice
    }
}
