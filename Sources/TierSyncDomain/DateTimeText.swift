import Foundation
import TierSyncCore

/// Dates with times as people type them and as records store them (ISO 8601, UTC).
///
/// A time without a zone is China Standard Time (UTC+8), the zone every user is in.
enum DateTimeText {
    static let chinaStandardTime = TimeZone(secondsFromGMT: 8 * 3600)!

    static func parse(_ text: String) -> Date? {
        let withZone = ISO8601DateFormatter()
        withZone.formatOptions = [.withInternetDateTime]
        if let date = withZone.date(from: text) { return date }
        withZone.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withZone.date(from: text) { return date }
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            let local = DateFormatter()
            local.locale = Locale(identifier: "en_US_POSIX")
            local.timeZone = chinaStandardTime
            local.dateFormat = format
            local.isLenient = false
            if let date = local.date(from: text), local.string(from: date) == text { return date }
        }
        return nil
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The calendar date of `milliseconds` in China Standard Time (UTC+8, no daylight saving):
    /// counted, not formatted, since every write asks for it (a DateFormatter costs more
    /// than the write itself).
    static func chinaDate(milliseconds: Int64) -> String {
        let local = milliseconds + 8 * 3_600_000
        let days = local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
        return CivilDate(daysSinceEpoch: Int(days)).description
    }
}
