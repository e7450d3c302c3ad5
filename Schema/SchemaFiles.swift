/// The numbered SQL migrations of this folder, embedded in the binary in order.
///
/// To add a migration: add `NNNN_name.sql` here, list it in `Package.swift` (`.embedInCode`)
/// and in `all` below (SwiftPM names the bytes `_NNN_name_sql`: it drops the first digit for the underscore). A test checks that every `.sql` file of the folder is listed.
public enum SchemaFiles {
    /// (identifier, SQL) pairs in the order they apply.
    public static let all: [(identifier: String, sql: String)] = [
        ("0001_foundation", text(PackageResources._001_foundation_sql)),
        ("0002_records", text(PackageResources._002_records_sql)),
        ("0003_merge", text(PackageResources._003_merge_sql)),
        ("0004_trust", text(PackageResources._004_trust_sql)),
        ("0005_snapshot", text(PackageResources._005_snapshot_sql)),
        ("0006_operators", text(PackageResources._006_operators_sql)),
        ("0007_tasks", text(PackageResources._007_tasks_sql)),
        ("0008_people", text(PackageResources._008_people_sql)),
        ("0009_procedures", text(PackageResources._009_procedures_sql)),
        ("0010_sharing", text(PackageResources._010_sharing_sql)),
        ("0011_epochs", text(PackageResources._011_epochs_sql)),
        ("0012_attachments", text(PackageResources._012_attachments_sql)),
        ("0013_opaque", text(PackageResources._013_opaque_sql)),
        ("0014_bundle_wants", text(PackageResources._014_bundle_wants_sql)),
        ("0015_directory_token", text(PackageResources._015_directory_token_sql)),
        ("0016_packed_log", text(PackageResources._016_packed_log_sql)),
    ]

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
