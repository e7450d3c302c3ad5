/// Media types of the files offices attach, by file name extension: what a browser is told
/// when it downloads one.
///
/// ```swift
/// MediaType.of(name: "应急预案.PDF")   // "application/pdf"
/// ```
public enum MediaType {
    public static let unknown = "application/octet-stream"

    static let byExtension: [String: String] = [
        "pdf": "application/pdf",
        "ofd": "application/ofd",
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "wps": "application/vnd.ms-works",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "et": "application/vnd.ms-excel",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "txt": "text/plain",
        "csv": "text/csv",
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
        "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "webp": "image/webp",
        "mp4": "video/mp4", "zip": "application/zip", "rar": "application/vnd.rar",
    ]

    /// What a clerk calls a file of media type `type`: PDF 文档, Word 文档, 图片…
    public static func chineseName(of type: String) -> String {
        if type.hasPrefix("image/") { return "图片" }
        if type.hasPrefix("video/") { return "视频" }
        switch type {
        case "application/pdf": return "PDF 文档"
        case "application/ofd": return "OFD 文档"
        case byExtension["doc"], byExtension["docx"], byExtension["wps"]: return "Word 文档"
        case byExtension["xls"], byExtension["xlsx"]: return "Excel 表格"
        case byExtension["ppt"], byExtension["pptx"]: return "演示文稿"
        case "text/plain", "text/csv": return "文本"
        case byExtension["zip"], byExtension["rar"]: return "压缩包"
        default: return "文件"
        }
    }

    /// The media type of a file named `name`; `unknown` for an extension not listed.
    public static func of(name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return unknown }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? unknown
    }
}
