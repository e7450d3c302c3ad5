/// Why a change on the wire (in a push or pull page, or a bundle line) is malformed: names
/// the key, the value sent and what is allowed, so that the sender can be fixed.
///
/// ```swift
/// try WireChange(t: "contact", r: "x", …).change()
/// // WireChangeError: change r (record id) is 'x': it must be a UUID such as 6f9619ff-8b86-d011-b42d-00c04fc964ff
/// ```
public struct WireChangeError: Error, Equatable, CustomStringConvertible {
    /// The JSON key of the change that is wrong (`r`, `n`, `vv`, `h`).
    public let key: String
    let what: String
    let value: String
    let allowed: String

    init(key: String, what: String, value: String, allowed: String) {
        (self.key, self.what, self.allowed) = (key, what, allowed)
        // A hostile value may be megabytes: quote enough of it to recognize.
        self.value = value.count > 80 ? String(value.prefix(80)) + "…" : value
    }

    public var description: String { "change \(key) (\(what)) is '\(value)': it must be \(allowed)" }
}
