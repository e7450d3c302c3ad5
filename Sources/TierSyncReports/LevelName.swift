import TierSyncStore

/// Chinese names of the org levels, for the "层级" column of detail tables.
enum LevelName {
    static func of(_ level: OrgUnit.Level) -> String {
        switch level {
        case .province: return "省"
        case .city: return "市"
        case .county: return "县（市、区）"
        case .township: return "乡镇（街道）"
        case .village: return "村（社区）"
        case .enterprise: return "企业"
        }
    }
}
