import Foundation

/// Reports as JSON for scripts and the hub's `/v1/reports/...`: keys sorted so the output is
/// byte-for-byte stable, numbers as numbers, empty cells as `null`.
///
/// ```swift
/// let data = try ReportJSON.encode(report)
/// // {"asOf":"2026-11-29","kind":"coverage","notes":[…],"org":{"code":"520201",…},"tables":[…],"title":"…"}
/// ```
public enum ReportJSON {
    public static func encode(_ report: Report, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(report)
    }

    /// One table alone, as a dashboard fetches it.
    public static func encode(_ table: ReportTable, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(table)
    }

    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
