import GRDB
import TierSyncCore

/// Records an upper level shares downward: a record's `share` says how far below its owner it
/// reaches (`subtree`: every unit below; `children`: the units directly below; `none` or
/// null: only the owner's own subtree, as every record does).
extension OrgUnit {
    /// The `share` values that send a record below its owner's subtree.
    public static let shareValues = ["subtree", "children"]

    /// True when a record owned by the unit at `ownerPath`, shared as `share`, reaches the
    /// unit at `unitPath` from above (a record of the unit's own subtree is not "shared").
    ///
    /// ```swift
    /// OrgUnit.shared(ownerPath: "520000/520200", share: "children", reaches: "520000/520200/520201")  // true
    /// OrgUnit.shared(ownerPath: "520000/520200", share: "children", reaches: "520000/520200/520201/520201101")  // false
    /// ```
    public static func shared(ownerPath: String, share: String?, reaches unitPath: String) -> Bool {
        guard unitPath.hasPrefix(ownerPath + "/") else { return false }
        switch share {
        case "subtree": return true
        case "children": return !unitPath.dropFirst(ownerPath.count + 1).contains("/")
        default: return false
        }
    }

    /// SQL true when the record `alias` (with columns `org` and `share`) is shared from
    /// above to reach the unit at the path given to `sharedArguments` (or `sharedValues`).
    public static func sharedFilter(_ alias: String, dialect: SQLDialect = .sqlite) -> String {
        let position = dialect == .sqlite ? "instr" : "strpos"
        return
            "((\(alias).share = 'subtree' AND \(position)(?, '/' || \(alias).org || '/') > 0) OR (\(alias).share = 'children' AND \(alias).org = ?))"
    }

    /// `sharedArguments` for a `SQLReader`.
    public static func sharedValues(_ path: String) -> [FieldValue] {
        let ancestors = path.split(separator: "/").dropLast()
        return [.text("/" + ancestors.joined(separator: "/") + "/"), .text(ancestors.last.map(String.init) ?? "")]
    }

    /// The arguments of `sharedFilter` for the unit at `path`: its ancestors, and its parent.
    public static func sharedArguments(_ path: String) -> StatementArguments {
        StatementArguments(sharedValues(path).map(\.databaseValue))
    }
}
