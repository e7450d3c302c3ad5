import Foundation
import GRDB
import Logging
import TierSyncCore
import TierSyncDomain

/// A province-sized hub database for the reports benchmark: the seeds plus synthetic cities,
/// counties, townships (about 1,500), villages and enterprises, and `records` records spread
/// over them, written with prepared SQL (no change capture: only the reports are measured).
struct ProvinceDatabase {
    let path: String
    let records: Int

    /// Synthetic hierarchy: 9 cities × 10 counties × 17 townships = 1,530 townships, each with
    /// 3 villages and 1 enterprise.
    static let (cities, countiesPerCity, townshipsPerCounty, villagesPerTownship) = (9, 10, 17, 3)

    /// Shares of the records per table, in percent.
    static let shares: [(table: String, percent: Int)] = [
        ("contact", 30), ("plan", 10), ("material_item", 5), ("stock_event", 25), ("drill", 10),
        ("progress_report", 15), ("task", 5),
    ]

    /// Makes the file; returns the number of org units and of grass-roots units.
    func build() throws -> (orgs: Int, grassRoots: Int) {
        let silent = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        try TierSyncNode.create(path: path, org: "520000", logger: silent).store.close()
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        var owners: [String] = []
        var counties: [String] = []
        var orgCount = 0
        try queue.write { db in
            let insert = try db.makeStatement(
                sql: "INSERT INTO org_unit (code, parent, name, level, path, sample) VALUES (?, ?, ?, ?, ?, 1)")
            func add(_ code: String, _ parent: String, _ parentPath: String, _ level: String) throws -> String {
                let path = parentPath + "/" + code
                try insert.execute(arguments: [code, parent, "示例\(code)", level, path])
                orgCount += 1
                return path
            }
            for c in 0..<Self.cities {
                let city = "59\(10 + c)00"
                let cityPath = try add(city, "520000", "520000", "city")
                for k in 1...Self.countiesPerCity {
                    let county = "59\(10 + c)\(k < 10 ? "0" : "")\(k)"
                    let countyPath = try add(county, city, cityPath, "county")
                    counties.append(county)
                    for t in 1...Self.townshipsPerCounty {
                        let township = county + "1\(t < 10 ? "0" : "")\(t)"
                        let townshipPath = try add(township, county, countyPath, "township")
                        owners.append(township)
                        for v in 1...Self.villagesPerTownship {
                            _ = try add(township + "20\(v)", township, townshipPath, "village")
                            owners.append(township + "20\(v)")
                        }
                        _ = try add(township + "901", township, townshipPath, "enterprise")
                        owners.append(township + "901")
                    }
                }
            }
        }
        try insertRecords(queue, owners: owners, counties: counties)
        return (orgCount, owners.count)
    }

    private func insertRecords(_ queue: DatabaseQueue, owners: [String], counties: [String]) throws {
        var random = SplitMix64(seed: 42)
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        let categories = [
            "geological-disaster", "flood-disaster", "forest-fire", "work-safety-accident", "mass-incident",
        ]
        let sites = ["镇应急物资库", "村储备点", "企业仓库"]
        var items: [(id: String, org: String)] = []
        for (table, percent) in Self.shares {
            let count = max(1, records * percent / 100)
            try queue.write { db in
                switch table {
                case "contact":
                    let s = try db.makeStatement(
                        sql: """
                            INSERT INTO contact (id, org, created, updated, role, hazard, name, phone, last_confirmed)
                            VALUES (?, ?, 1, 1, ?, ?, '示例·某', '13900000000', ?)
                            """)
                    for i in 0..<count {
                        let role = i % 3 == 0 ? "commander" : "information-officer"
                        let confirmed = "20\(24 + pick(3))-\(pad(1 + pick(12)))-\(pad(1 + pick(28)))"
                        try s.execute(arguments: [
                            id(&random), owners[pick(owners.count)], role,
                            role == "commander" ? categories[pick(5)] : nil, i % 20 == 0 ? nil : confirmed,
                        ])
                    }
                case "plan":
                    let s = try db.makeStatement(
                        sql: """
                            INSERT INTO plan (id, org, created, updated, title, level, category, status,
                                              filed_with, filed_on, revision_deadline)
                            VALUES (?, ?, 1, 1, '预案', ?, ?, 'published', ?, ?, ?)
                            """)
                    for i in 0..<count {
                        let special = i % 10 == 0
                        let org = special ? counties[pick(counties.count)] : owners[pick(owners.count)]
                        let filed = i % 4 != 0
                        try s.execute(arguments: [
                            id(&random), org, special ? "special" : "grassroots", categories[pick(5)],
                            filed ? String(org.prefix(6)) : nil, filed ? "2026-03-10" : nil,
                            "20\(25 + pick(4))-06-30",
                        ])
                    }
                case "material_item":
                    let s = try db.makeStatement(
                        sql: """
                            INSERT INTO material_item (id, org, created, updated, name, category, unit, reserve_kind)
                            VALUES (?, ?, 1, 1, ?, ?, '件', ?)
                            """)
                    for i in 0..<count {
                        let item = (id(&random), owners[pick(owners.count)])
                        items.append(item)
                        try s.execute(arguments: [
                            item.0, item.1, ["帐篷", "棉被", "冲锋舟", "发电机"][i % 4],
                            ["life-support", "flood-control", "rescue-equipment"][i % 3],
                            ["physical", "commercial", "production-capacity"][i % 3],
                        ])
                    }
                case "stock_event":
                    let s = try db.makeStatement(
                        sql: """
                            INSERT INTO stock_event (id, org, created, updated, item, kind, site, quantity, delta,
                                                     to_org, to_site, occurred_on)
                            VALUES (?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?)
                            """)
                    for i in 0..<count {
                        let item = items[i % items.count]
                        let kind = ["receive", "receive", "issue", "count", "transfer"][i % 5]
                        let quantity = Double(1 + pick(20))
                        let delta = kind == "receive" ? quantity * 3 : (kind == "count" ? -1 : -quantity)
                        try s.execute(arguments: [
                            id(&random), item.org, item.id, kind, sites[0], quantity, delta,
                            kind == "transfer" ? item.org : nil, kind == "transfer" ? sites[1 + pick(2)] : nil,
                            "2026-\(pad(1 + pick(11)))-\(pad(1 + pick(28)))",
                        ])
                    }
                case "drill":
                    let s = try db.makeStatement(
                        sql: """
                            INSERT INTO drill (id, org, created, updated, title, kind, held_on, participants)
                            VALUES (?, ?, 1, 1, '演练', 'tabletop', ?, ?)
                            """)
                    for _ in 0..<count {
                        try s.execute(arguments: [
                            id(&random), owners[pick(owners.count)], "20\(25 + pick(2))-\(pad(1 + pick(12)))-10",
                            10 + pick(100),
                        ])
                    }
                case "task":
                    let s = try db.makeStatement(
                        sql: """
                            INSERT INTO task (id, org, created, updated, title, deadline, status, closed_on)
                            VALUES (?, ?, 1, 1, '任务', ?, ?, ?)
                            """)
                    for _ in 0..<count {
                        let deadline = "2026-\(pad(1 + pick(12)))-\(pad(1 + pick(28)))"
                        let closed = pick(3) == 0
                        try s.execute(arguments: [
                            id(&random), owners[pick(owners.count)], deadline, closed ? "closed" : "open",
                            closed ? "2026-\(pad(1 + pick(11)))-15" : nil,
                        ])
                    }
                default:
                    let s = try db.makeStatement(
                        sql: """
                            INSERT INTO progress_report (id, org, created, updated, period, body, submitted_at)
                            VALUES (?, ?, ?, ?, ?, '进展', ?)
                            """)
                    for i in 0..<count {
                        let month = 1 + pick(11)
                        let half = 1 + i % 2
                        let day = half == 1 ? 10 + pick(8) : 25 + pick(4)
                        let submitted = "2026-\(pad(month))-\(pad(day))T0\(pick(10)):30:00Z"
                        // Made when submitted: timeliness goes by the creating stamp.
                        let made = HLCTimestamp(physical: ISOTimestamp.milliseconds(from: submitted)!, counter: 0)
                            .rawValue
                        try s.execute(arguments: [
                            id(&random), owners[i % owners.count], made, made, "2026-\(pad(month))-H\(half)", submitted,
                        ])
                    }
                }
            }
        }
    }

    private func id(_ random: inout SplitMix64) -> String { RecordID.random(using: &random).rawValue }
    private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
