import CTierSyncCrypto

/// SHA-256 fed piece by piece, for files too large to hold whole: an attachment is hashed a
/// chunk at a time as it is read, received or stored. OpenSSL's libcrypto does the work (it
/// uses the CPU's SHA instructions where there are some).
///
/// ```swift
/// var hasher = BlobHasher()
/// hasher.update(Array("ab".utf8))
/// hasher.update(Array("c".utf8))
/// hasher.finish()   // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
public struct BlobHasher: ~Copyable {
    private let context: OpaquePointer

    public init() {
        // Allocation fails only when memory is exhausted; the digest cannot be done without it.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL could not start a SHA-256 digest")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to what is hashed.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done = bytes.withContiguousStorageIfAvailable { buffer in
            EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
        }
        if done == nil {
            Array(bytes).withUnsafeBufferPointer { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
    }

    /// The digest of everything added, as 64 lowercase hex digits.
    public consuming func finish() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return Self.hex(digest)
    }

    /// The SHA-256 of `bytes`, in hex.
    public static func hex(of bytes: some Collection<UInt8>) -> String {
        var hasher = BlobHasher()
        hasher.update(bytes)
        return hasher.finish()
    }

    /// True for 64 lowercase hex digits: the form a blob is named by.
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
