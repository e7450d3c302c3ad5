import GRDB

/// One term of the reference vocabulary (a plan category, a contact role...): one row of
/// `vocabulary`. Records store `key`; people read `name`.
public struct VocabularyTerm: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "vocabulary"

    public var kind: String
    /// English kebab-case key, e.g. `information-officer`.
    public var key: String
    /// Chinese name, e.g. `信息员`.
    public var name: String
    /// Order within the kind, as listed in seeds/.
    public var position: Int

    public init(kind: String, key: String, name: String, position: Int) {
        self.kind = kind
        self.key = key
        self.name = name
        self.position = position
    }
}
