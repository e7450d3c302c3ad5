/// For each node that edited a field, how many of its edits a version has seen.
///
/// Comparing two vectors answers "was this edit made on top of that one?" without any
/// history: `a` dominates `b` when it has seen everything `b` has, and more.
///
/// ```swift
/// let a = VersionVector().incremented(for: n1)        // n1:1
/// let b = a.incremented(for: n2)                      // n1:1,n2:1
/// b.compare(to: a)                                    // .dominates
/// a.incremented(for: n1).compare(to: b)               // .concurrent
/// ```
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    /// Node → count, kept sorted by node so that the text form is canonical.
    public private(set) var entries: [(node: NodeID, count: UInt64)]

    public init() { entries = [] }

    public init(_ counts: [NodeID: UInt64]) {
        entries = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public enum Ordering: Sendable, Equatable {
        case equal, dominates, dominatedBy, concurrent
    }

    public subscript(node: NodeID) -> UInt64 {
        entries.first { $0.node == node }?.count ?? 0
    }

    /// This vector with one more edit by `node`.
    public func incremented(for node: NodeID) -> VersionVector {
        var copy = self
        if let index = copy.entries.firstIndex(where: { $0.node == node }) {
            copy.entries[index].count += 1
        } else {
            let position = copy.entries.firstIndex { $0.node > node } ?? copy.entries.endIndex
            copy.entries.insert((node, 1), at: position)
        }
        return copy
    }

    /// This vector with `node`'s count set to `count` (0 removes it).
    public func setting(_ node: NodeID, to count: UInt64) -> VersionVector {
        var copy = self
        let position = copy.entries.firstIndex { $0.node >= node } ?? copy.entries.endIndex
        let present = position < copy.entries.endIndex && copy.entries[position].node == node
        switch (present, count) {
        case (true, 0): copy.entries.remove(at: position)
        case (true, _): copy.entries[position].count = count
        case (false, 0): break
        case (false, _): copy.entries.insert((node, count), at: position)
        }
        return copy
    }

    /// True when every edit this vector has seen, `other` has seen too (equal or dominated).
    public func isCovered(by other: VersionVector) -> Bool {
        let ordering = compare(to: other)
        return ordering == .equal || ordering == .dominatedBy
    }

    /// The least vector that has seen everything both have seen.
    public func merged(with other: VersionVector) -> VersionVector {
        // Both are sorted by node: one pass, no dictionary (local writes merge on every edit).
        var merged = VersionVector()
        merged.entries.reserveCapacity(max(entries.count, other.entries.count))
        var (i, j) = (entries.startIndex, other.entries.startIndex)
        while i < entries.endIndex || j < other.entries.endIndex {
            if j == other.entries.endIndex || (i < entries.endIndex && entries[i].node < other.entries[j].node) {
                merged.entries.append(entries[i])
                i += 1
            } else if i == entries.endIndex || other.entries[j].node < entries[i].node {
                merged.entries.append(other.entries[j])
                j += 1
            } else {
                merged.entries.append((entries[i].node, max(entries[i].count, other.entries[j].count)))
                i += 1
                j += 1
            }
        }
        return merged
    }

    public func compare(to other: VersionVector) -> Ordering {
        var greater = false
        var less = false
        var i = entries.startIndex
        var j = other.entries.startIndex
        while i < entries.endIndex || j < other.entries.endIndex {
            let left = i < entries.endIndex ? entries[i] : nil
            let right = j < other.entries.endIndex ? other.entries[j] : nil
            if let l = left, right == nil || l.node < right!.node {
                greater = true
                i += 1
            } else if let r = right, left == nil || r.node < left!.node {
                less = true
                j += 1
            } else {
                if left!.count > right!.count { greater = true }
                if left!.count < right!.count { less = true }
                i += 1
                j += 1
            }
        }
        switch (greater, less) {
        case (false, false): return .equal
        case (true, false): return .dominates
        case (false, true): return .dominatedBy
        case (true, true): return .concurrent
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.compare(to: rhs) == .equal }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.node)
            hasher.combine(entry.count)
        }
    }

    /// Canonical text form, `node:count` pairs sorted by node and joined by commas.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.count * 20)
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the canonical text form, `node:count,node:count`, as UTF-8.
    func append(to bytes: inout [UInt8]) {
        for (index, entry) in entries.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: entry.node.rawValue.utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.appendDecimal(entry.count)
        }
    }

    /// Reads the canonical text form from `scanner`, up to a space, a line end or the end.
    init?(scanning scanner: inout ByteScanner) {
        var entries: [(node: NodeID, count: UInt64)] = []
        while let byte = scanner.current, byte != 0x20, byte != 0x0A {
            if !entries.isEmpty, !scanner.skip(0x2C) { return nil }
            guard let node = scanner.nodeID(), scanner.skip(0x3A), let count = scanner.integer(), count > 0,
                entries.last.map({ $0.node < node }) ?? true
            else { return nil }
            entries.append((node, count))
        }
        self.entries = entries
    }

    /// Parses the canonical text form; nil on anything else (unsorted, zero counts, bad ids).
    public init?(parsing text: some StringProtocol) {
        var text = String(text)
        let vector = text.withUTF8 { bytes -> VersionVector? in
            var scanner = ByteScanner(bytes: bytes)
            guard let vector = VersionVector(scanning: &scanner), scanner.atEnd else { return nil }
            return vector
        }
        guard let vector else { return nil }
        self = vector
    }
}
