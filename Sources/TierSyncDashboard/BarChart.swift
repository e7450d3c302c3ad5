import Foundation

/// A horizontal bar chart, laid out here and drawn as inline SVG by the `chart` template.
///
/// ```swift
/// let chart = BarChart(key: "coverage", title: "预案覆盖率（%）", items: [("钟山区", 75, "75")], maximum: 100)
/// chart.bars[0].barWidth   // 225 of the 300 points a full bar takes
/// ```
///
/// The geometry is computed on the server so that the page needs no JavaScript and no chart
/// library: the machines that read it may be offline. Every number is a whole SVG unit, so
/// the template prints plain integers.
public struct BarChart: Sendable {
    /// One bar: its label, its value (as a number for the geometry and as text for people),
    /// and where it is drawn.
    public struct Bar: Sendable {
        public let label: String
        public let value: Double
        public let valueText: String
        let y: Int
        let textY: Int
        let barWidth: Int
        let valueX: Int
    }

    /// A stable name (`coverage`, `drills-by-month`), for tests and page anchors.
    public let key: String
    public let title: String
    public let bars: [Bar]
    /// True when there is nothing to draw: the template says so instead of an empty frame.
    public let isEmpty: Bool
    let width = BarChart.labelWidth + BarChart.barArea + 70
    let height: Int
    let labelX = BarChart.labelWidth - 6
    let barX = BarChart.labelWidth
    let barHeight = BarChart.rowHeight - 6

    static let labelWidth = 150
    static let barArea = 300
    static let rowHeight = 24

    /// A chart of `items` (label, value, value as shown), each bar scaled to `maximum` (by
    /// default the largest value, so that the longest bar fills the area).
    public init(
        key: String, title: String, items: [(label: String, value: Double, text: String)], maximum: Double? = nil
    ) {
        self.key = key
        self.title = title
        let top = max(maximum ?? items.map(\.value).max() ?? 0, 1)
        bars = items.enumerated().map { index, item in
            let width = Int((max(item.value, 0) / top * Double(Self.barArea)).rounded())
            let y = index * Self.rowHeight + 4
            return Bar(
                label: Self.shortened(item.label), value: item.value, valueText: item.text, y: y,
                textY: y + Self.rowHeight / 2 + 3, barWidth: width, valueX: Self.labelWidth + width + 6)
        }
        isEmpty = items.isEmpty
        height = items.count * Self.rowHeight + 8
    }

    /// Labels longer than the label column would run into the bars; the full text stays in
    /// the tables below the charts.
    static func shortened(_ label: String) -> String {
        label.count <= 12 ? label : String(label.prefix(11)) + "…"
    }
}
