/// Why a bundle file cannot be written or read, as a person can act on it.
public struct BundleError: Error, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case cannotWrite(String), cannotRead(String), truncated, corrupt(String), notABundle(String), unsupported(Int)
    }

    private let code: Code

    public static func cannotWrite(path: String) -> BundleError { .init(code: .cannotWrite(path)) }
    public static func cannotRead(path: String) -> BundleError { .init(code: .cannotRead(path)) }
    public static let truncated = BundleError(code: .truncated)
    public static func corrupt(reason: String) -> BundleError { .init(code: .corrupt(reason)) }
    public static func notABundle(reason: String) -> BundleError { .init(code: .notABundle(reason)) }
    public static func unsupported(version: Int) -> BundleError { .init(code: .unsupported(version)) }

    public var description: String {
        switch code {
        case .cannotWrite(let path): return "cannot write \(path)"
        case .cannotRead(let path): return "cannot read \(path)"
        case .truncated:
            return "the bundle is truncated (it ends before its last line): nothing was applied; copy it again"
        case .corrupt(let reason):
            return "the bundle is damaged (\(reason)): nothing was applied; copy it again"
        case .notABundle(let reason): return "not a TierSync bundle (\(reason))"
        case .unsupported(let version):
            return
                "bundle format version \(version) is newer than this TierSync reads (\(BundleHeader.formatVersion)): upgrade tiersync"
        }
    }
}
