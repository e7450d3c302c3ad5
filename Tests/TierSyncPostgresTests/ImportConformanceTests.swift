import Foundation
import Testing
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncSpreadsheet
import TierSyncStore

/// Spreadsheet imports on a SQLite node and on a hub on PostgreSQL that hold the same
/// records: the same rows created, updated, skipped and refused, in the same words; nothing
/// written by a dry run or by an import with refused rows; the same records and log after.
@Suite(.serialized) struct ImportConformanceTests {
    /// A contact list as a clerk fills it in: a title row, Chinese headers, units by code
    /// or by name, a duplicate, a wrong phone, an unknown unit.
    static let contacts = Sheet(
        name: "联系人",
        rows: [
            ["六盘水市应急联络表"], ["所属单位", "角色", "姓名", "手机"],
            ["520200", "信息员", "示例·赵一", "13900001001"],
            ["钟山区", "信息员", "示例·钱二", "13900001002"],
            ["大河镇", "信息员", "示例·孙三", "13900001003"],
            ["520200", "信息员", "示例·赵一", "13900001001"],
            ["520200", "信息员", "示例·李四", "139000010"],
            ["999999", "信息员", "示例·周五", "13900001005"],
        ].map { $0.map(Cell.text) })

    @Test(
        "a contact list with duplicates and refused rows, then again with --update, and stock rows: both stores agree")
    func importsAgree() throws {
        var random = SplitMix64(seed: 47)
        let hubs = try HubConformanceTests.Hubs(random: &random, steps: 20)
        defer { hubs.postgres.store.close() }
        _ = try LocalEditConformanceTests.contestedContact(hubs, random: &random)
        var reports: [[String]] = []
        var sequences: [[Int64]] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let corrected = Sheet(
            name: "联系人",
            rows: [["所属单位", "角色", "姓名", "手机", "职务"], ["钟山区", "信息员", "示例·钱二", "13900001002", "副局长"]].map {
                $0.map(Cell.text)
            })
        let stock = Sheet(
            name: "物资",
            rows: [
                ["所属单位", "物资名称", "存放地点", "数量", "物资类别", "计量单位"],
                ["520200", "帐篷", "市级储备库", "120", "生活保障类", "顶"],
                ["520200", "帐篷", "市级储备库", "30", "", ""],
                ["520200", "冲锋舟", "市级储备库", "2", "", ""],
                // A new item, then a quantity refused: the item made for it goes too.
                ["520200", "救生衣", "市级储备库", "许多", "生活保障类", "件"],
            ].map { $0.map(Cell.text) })
        for hub in hubs.workspaces {
            try RecordEdit.$ids.withValue(RecordIDSource(seed: 17)) {
                var made: [ImportReport] = []
                made.append(
                    try hub.importSheet(Self.contacts, kind: .contact, encoding: nil, options: .init(skipBad: true)))
                made.append(try hub.importSheet(corrected, kind: .contact, encoding: nil, options: .init()))
                made.append(try hub.importSheet(corrected, kind: .contact, encoding: nil, options: .init(update: true)))
                made.append(try hub.importSheet(stock, kind: .stock, encoding: nil, options: .init(skipBad: true)))
                // Last, as PostgreSQL numbers the log with a sequence that a rollback does not
                // give back: a dry run and an import with refused rows, which write nothing.
                var log: [Int64] = [try hub.lastSequence()]
                made.append(
                    try hub.importSheet(
                        Self.contacts, kind: .contact, encoding: nil, options: .init(dryRun: true, update: true)))
                made.append(try hub.importSheet(Self.contacts, kind: .contact, encoding: nil, options: .init()))
                log.append(try hub.lastSequence())
                reports.append(try made.map { String(decoding: try encoder.encode($0), as: UTF8.self) })
                sequences.append(log)
            }
        }
        #expect(reports[0] == reports[1], "\(reports)")
        func report(_ index: Int) throws -> ImportReport {
            try JSONDecoder().decode(ImportReport.self, from: Data(reports[0][index].utf8))
        }
        let imported = try report(0)
        #expect(imported.committed && imported.created.map(\.row) == [3, 4, 5] && imported.duplicates.count == 1)
        #expect(imported.refused.map(\.row) == [7, 8], "\(imported.refused)")
        #expect(try report(1).duplicates.count == 1 && report(2).updated.count == 1)
        let reserve = try report(3)
        #expect(reserve.created.count == 2 && reserve.refused.map(\.row) == [4, 5], "\(reserve.refused)")
        for hub in hubs.workspaces {
            let items = try hub.list(.materialItem, under: nil, includeDeleted: true, shared: false).map { $0["name"] }
            #expect(items == [.text("帐篷")], "\(storeName(hub)): \(items)")
        }
        let (dryRun, refused) = (try report(4), try report(5))
        #expect(!dryRun.committed && dryRun.duplicates.count == 4, "\(dryRun.duplicates)")
        #expect(!refused.committed && refused.refused.map(\.row) == [7, 8], "\(refused.refused)")
        for log in sequences { #expect(log[0] == log[1], "a dry run and a refused import wrote nothing") }
        let conformance = HubConformanceTests()
        try conformance.expectSameState(hubs, context: "imports")
        try conformance.expectSamePulls(hubs, context: "imports")
    }
}
