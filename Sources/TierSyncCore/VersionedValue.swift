/// A value of a field together with the version that wrote it: one candidate of a merge.
public struct VersionedValue: Hashable, Sendable {
    public var value: FieldValue
    public var version: FieldVersion

    public init(value: FieldValue, version: FieldVersion) {
        self.value = value
        self.version = version
    }

    public init(_ change: FieldChange) {
        self.init(value: change.value, version: change.version)
    }
}
