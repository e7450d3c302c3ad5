import TierSyncCore

/// A credential `ID.SECRET` as children and operators present it: the id names the holder,
/// the secret is checked against the SHA-256 hash the hub stored when it issued it.
///
/// ```swift
/// let issued = Credential.issue(id: "op-1a2b3c4d")   // issued.text is shown once
/// Credential(parsing: issued.text)?.matches(hash: issued.hash)   // true
/// ```
public struct Credential: Sendable {
    public let id: String
    let secret: String

    public init?(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        (id, secret) = (parts[0], parts[1])
    }

    /// A new credential for `id` with a 256-bit random secret, and the hash to store.
    public static func issue(id: String) -> (text: String, hash: String) {
        let secret = randomSecret()
        return (id + "." + secret, hash(secret))
    }

    /// 256 random bits as hex: a credential's secret, a session id, a CSRF token.
    public static func randomSecret() -> String {
        var random = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", random.next()) }.joined()
    }

    public func matches(hash stored: String) -> Bool { Self.hash(secret) == stored }

    /// What is stored of a secret: its SHA-256, in hex.
    public static func hash(_ secret: String) -> String { SHA256.hex(Array(secret.utf8)) }
}

extension TierSyncNode {
    /// Whether a holder last seen at `last` should be recorded as seen now: at most once a
    /// minute, so that a busy hub does not add a write transaction to every request.
    func isStale(_ last: String?) -> Bool { Self.isStale(last, now: store.wallClock.nowMilliseconds()) }

    /// `isStale` at the time `now`, for any store.
    public static func isStale(_ last: String?, now: Int64) -> Bool {
        last.map { ISOTimestamp.format(milliseconds: now - 60_000) > $0 } ?? true
    }
}
