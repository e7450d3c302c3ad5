import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The text of a CSV file as a spreadsheet saved it: UTF-8 (with or without a byte-order
/// mark), or GB18030, which is what Excel's plain "CSV" gives on Chinese Windows. GB18030 is
/// decoded by the C library's iconv.
///
/// ```swift
/// let (text, encoding) = try TextDecoding.decode(Data(contentsOf: url), path: "名单.csv")   // encoding "GB18030"
/// ```
public enum TextDecoding {
    public static func decode(_ data: Data, path: String) throws -> (text: String, encoding: String) {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, "UTF-8") }
        if let text = iconv(bytes, from: "GB18030") { return (text, "GB18030") }
        throw SpreadsheetError.unreadableText(path)
    }

    /// `bytes` in `encoding` as UTF-8 text; nil when they are not valid in it.
    static func iconv(_ bytes: Data, from encoding: String) -> String? {
        let converter = iconv_open("UTF-8", encoding)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = [CChar](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = bytes.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
        }
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 16)
        let converted = input.withUnsafeMutableBufferPointer { inputBuffer -> Int? in
            output.withUnsafeMutableBufferPointer { outputBuffer -> Int? in
                var inPointer: UnsafeMutablePointer<CChar>? = inputBuffer.baseAddress
                var inLeft = inputBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outputBuffer.baseAddress
                var outLeft = outputBuffer.count
                guard Glibc.iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else {
                    return nil
                }
                return outputBuffer.count - outLeft
            }
        }
        guard let converted else { return nil }
        return String(decoding: output.prefix(converted).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
