import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TierSyncDomain
import TierSyncHub

/// Bundles from the sync page, for the no-network path: a download of what the parent has
/// not acknowledged (for a USB stick), and an upload of a bundle from the parent. Both stream
/// through temporary files: a bundle is never held whole in memory.
extension Pages {
    /// The largest bundle an upload takes.
    static let maxBundle = 2 * 1024 * 1024 * 1024

    func exportBundle(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            if let reason = visitor.refusalOfWholeNode(node) { return await errorPage(403, reason, visitor) }
            guard let parent = node.hubOrg.parent else {
                return await errorPage(400, "本级没有上级单位，无需导出数据包。", visitor)
            }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tiersync-\(UUID().uuidString).bundle"
            ).path
            let summary = try await blocking { [node] in try node.exportBundle(to: parent, path: path) }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw DomainError.unavailable("the bundle file could not be read back")
            }
            let name = "tiersync-\(node.hubOrg.code)-to-\(parent)-\(summary.upTo).bundle"
            let body = ResponseBody { writer in
                defer {
                    try? handle.close()
                    try? FileManager.default.removeItem(atPath: path)
                }
                while let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\(name)\"",
                    .cacheControl: "no-store",
                ],
                body: body)
        }
    }

    /// A multipart upload of one file (the CSRF token is in the form's action URL, so the
    /// token is checked before the body is read).
    func importBundle(_ page: PageRequest) async throws -> Response {
        try await signedIn(page, .enter) { visitor in
            if let reason = visitor.refusalOfWholeNode(node) { return await errorPage(403, reason, visitor) }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tiersync-upload-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let upload = folder.appendingPathComponent("body")
            let bundle = folder.appendingPathComponent("import.bundle")
            guard let type = page.request.headers[.contentType], let boundary = Multipart.boundary(type) else {
                return try await syncView(visitor, error: "请选择要导入的数据包文件后再提交。", status: .badRequest)
            }
            guard try await saveBody(page, to: upload, limit: Self.maxBundle) else {
                throw DomainError.invalidValue(field: "bundle", value: "more than 2 GiB", allowed: "at most 2 GiB")
            }
            let extracted = try await blocking {
                try Multipart.extractFirstFile(from: upload.path, boundary: boundary, to: bundle.path)
            }
            guard extracted else {
                return try await syncView(visitor, error: "上传的内容不是一个文件，请重新选择数据包。", status: .badRequest)
            }
            do {
                let result = try await blocking { [node] in
                    try node.importBundle(path: bundle.path)
                }
                return try await syncView(
                    visitor,
                    notice:
                        "已导入来自 \(result.fromOrg) 的数据包：生效 \(result.report.applied) 项，冲突 \(result.report.conflicts) 个，拒收 \(result.report.refused.count) 项。"
                )
            } catch let error as DomainError {
                return try await syncView(
                    visitor, error: "数据包未导入（未写入任何内容）：" + Wording.chinese(error), status: .badRequest)
            } catch {
                logger.warning("bundle upload refused", metadata: ["error": "\(error)"])
                return try await syncView(visitor, error: "数据包已损坏或不完整，未写入任何内容。请重新拷贝后再导入。", status: .badRequest)
            }
        }
    }
}

extension Pages {
    /// Streams a request's body to `file`, never holding it whole; false as soon as it
    /// grows past `limit` bytes (the caller's folder cleanup removes what was written).
    func saveBody(_ page: PageRequest, to file: URL, limit: Int) async throws -> Bool {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let output = try FileHandle(forWritingTo: file)
        defer { try? output.close() }
        var size = 0
        for try await buffer in page.request.body {
            size += buffer.readableBytes
            guard size <= limit else { return false }
            try output.write(contentsOf: Data(buffer.readableBytesView))
        }
        return true
    }
}

/// Just enough of `multipart/form-data` for one uploaded file, read from a file on disk.
enum Multipart {
    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let range = contentType.range(of: "boundary=")
        else { return nil }
        let value = contentType[range.upperBound...].split(separator: ";").first.map(String.init) ?? ""
        let boundary = value.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        // RFC 2046: 1 to 70 characters.
        return (1...70).contains(boundary.count) ? boundary : nil
    }

    /// The text fields that come before the file in the body at `path` (a form puts its file
    /// input last), by name; they are small, so read from the body's head.
    static func fields(from path: String, boundary: String) throws -> [String: String] {
        guard let input = FileHandle(forReadingAtPath: path) else { return [:] }
        defer { try? input.close() }
        let head = try input.read(upToCount: 16 * 1024) ?? Data()
        let delimiter = Data("--\(boundary)".utf8)
        var fields: [String: String] = [:]
        var searchFrom = head.startIndex
        while let start = head.range(of: delimiter, in: searchFrom..<head.endIndex),
            let headersEnd = head.range(of: Data("\r\n\r\n".utf8), in: start.upperBound..<head.endIndex)
        {
            let headers = String(decoding: head[start.upperBound..<headersEnd.lowerBound], as: UTF8.self)
            guard !headers.contains("filename="),
                let next = head.range(of: Data("\r\n".utf8) + delimiter, in: headersEnd.upperBound..<head.endIndex),
                let name = headers.range(of: "name=\"").map({ headers[$0.upperBound...].prefix { $0 != "\"" } })
            else { break }
            fields[String(name)] = String(decoding: head[headersEnd.upperBound..<next.lowerBound], as: UTF8.self)
            searchFrom = next.lowerBound + 2
        }
        return fields
    }

    /// Copies the content of the first file part of the body at `path` to `destination`;
    /// false when the body holds no file part.
    static func extractFirstFile(from path: String, boundary: String, to destination: String) throws -> Bool {
        try extractFile(from: path, boundary: boundary, to: destination) != nil
    }

    /// `extractFirstFile`, returning the file's name as the browser sent it (nil: no file).
    static func extractFile(from path: String, boundary: String, to destination: String) throws -> String? {
        guard let input = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? input.close() }
        let head = try input.read(upToCount: 16 * 1024) ?? Data()
        let delimiter = Data("--\(boundary)".utf8)
        var searchFrom = head.startIndex
        // Parts before the file (none from our form, but a browser may add some) are skipped.
        while let start = head.range(of: delimiter, in: searchFrom..<head.endIndex),
            let headersEnd = head.range(of: Data("\r\n\r\n".utf8), in: start.upperBound..<head.endIndex)
        {
            let headers = String(decoding: head[start.upperBound..<headersEnd.lowerBound], as: UTF8.self)
            guard headers.contains("filename="), !headers.contains("filename=\"\"") else {
                searchFrom = headersEnd.upperBound
                continue
            }
            let total = try input.seekToEnd()
            let tailLength = min(total, 4096)
            try input.seek(toOffset: total - tailLength)
            let tail = try input.read(upToCount: Int(tailLength)) ?? Data()
            guard let closing = tail.range(of: Data("\r\n--\(boundary)".utf8), options: .backwards) else {
                return nil
            }
            let end = total - tailLength + UInt64(closing.lowerBound - tail.startIndex)
            var offset = UInt64(headersEnd.upperBound - head.startIndex)
            guard end >= offset else { return nil }
            _ = FileManager.default.createFile(atPath: destination, contents: nil)
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
            defer { try? output.close() }
            try input.seek(toOffset: offset)
            while offset < end {
                let chunk = try input.read(upToCount: Int(min(1 << 20, end - offset))) ?? Data()
                guard !chunk.isEmpty else { break }
                try output.write(contentsOf: chunk)
                offset += UInt64(chunk.count)
            }
            let filename = headers.range(of: "filename=\"").map { headers[$0.upperBound...].prefix { $0 != "\"" } }
            return filename.map(String.init) ?? ""
        }
        return nil
    }
}
