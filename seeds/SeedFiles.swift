/// The default seed files of this folder, embedded in the binary so that `tiersync init`
/// works from any folder. `tiersync init --seeds DIR` reads the same file names from DIR.
public enum SeedFiles {
    public static let orgsCSV = String(decoding: PackageResources.orgs_csv, as: UTF8.self)
    public static let vocabularyCSV = String(decoding: PackageResources.vocabulary_csv, as: UTF8.self)
}
