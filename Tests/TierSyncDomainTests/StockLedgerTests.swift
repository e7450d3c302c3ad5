import Testing
import TierSyncCore

@testable import TierSyncDomain

@Suite struct StockLedgerTests {
    let t: TestNode
    init() throws { t = try TestNode() }

    typealias Entry = TierSyncNode.StockEntry

    func balance(_ org: String, _ site: String, _ item: String = "帐篷") throws -> Double? {
        try t.node.stockBalances().first { $0.org == org && $0.site == site && $0.itemName == item }?.quantity
    }

    func receiveTents(_ quantity: String = "50") throws -> StoredRecordID {
        let event = try t.node.recordStock(
            .receive,
            Entry(
                item: "帐篷", site: "区应急库", quantity: quantity, source: "采购", newItem: ["category": "生活保障类", "unit": "顶"])
        )
        return event.id.rawValue
    }

    typealias StoredRecordID = String

    @Test("receiving a new item creates it; balances are the sum of the events")
    func receiveAndIssue() throws {
        _ = try receiveTents()
        try t.node.recordStock(.receive, Entry(item: "帐篷", site: "区应急库", quantity: "2.5"))
        try t.node.recordStock(.issue, Entry(item: "帐篷", site: "区应急库", quantity: "12"))
        #expect(try balance("520201", "区应急库") == 40.5)
        #expect(try t.node.list(.materialItem).count == 1)
    }

    @Test("a new item without its category and unit is refused, and nothing is written")
    func newItemNeedsDescription() throws {
        let result = try t.refusal { try t.node.recordStock(.receive, Entry(item: "冲锋舟", site: "库", quantity: "3")) }
        #expect(
            result.unchanged && result.message.contains("new item '冲锋舟'") && result.message.contains("--category"),
            "\(result.message)")
    }

    @Test("issuing or transferring more than the site holds is refused with both amounts")
    func overdraw() throws {
        _ = try receiveTents("10")
        for movement in [TierSyncNode.StockMovement.issue, .transfer] {
            let result = try t.refusal {
                try t.node.recordStock(
                    movement, Entry(item: "帐篷", site: "区应急库", quantity: "11", toSite: "大河镇库", toOrg: "520201101"))
            }
            #expect(
                result.unchanged && result.message.contains("cannot issue 11 of 帐篷 at site '区应急库': it holds only 10"),
                "\(result.message)")
        }
    }

    @Test("quantities must be positive numbers", arguments: ["-5", "0", "abc", "1e3", "NaN", ""])
    func badQuantity(quantity: String) throws {
        _ = try receiveTents()
        let result = try t.refusal {
            try t.node.recordStock(.issue, Entry(item: "帐篷", site: "区应急库", quantity: quantity))
        }
        #expect(result.unchanged && result.message.contains("invalid quantity"), "\(result.message)")
    }

    @Test("a transfer to a township's site moves the balance there")
    func transferToChild() throws {
        _ = try receiveTents()
        try t.node.recordStock(
            .transfer, Entry(item: "帐篷", site: "区应急库", quantity: "20", toSite: "大河镇库", toOrg: "520201101"))
        #expect(try balance("520201", "区应急库") == 30)
        #expect(try balance("520201101", "大河镇库") == 20)
        #expect(try t.node.stockBalances(under: "520201101").map(\.quantity) == [20])
    }

    @Test("a stocktake records the difference to the counted balance")
    func stocktake() throws {
        _ = try receiveTents()
        let count = try t.node.recordStock(.count, Entry(item: "帐篷", site: "区应急库", quantity: "47"))
        #expect(count["delta"] == .real(-3))
        #expect(try balance("520201", "区应急库") == 47)
    }

    @Test("a correction is a reversing event; an event is reversed once; stock events cannot be edited")
    func reversal() throws {
        let receipt = try receiveTents()
        try t.node.reverseStock(eventID: receipt, note: "录入错误")
        #expect(try balance("520201", "区应急库") == 0)
        let twice = try t.refusal { try t.node.reverseStock(eventID: receipt) }
        #expect(twice.unchanged && twice.message.contains("not reversed yet"), "\(twice.message)")
        let edit = try t.refusal { try t.node.set(.stockEvent, id: receipt, values: ["quantity": "5"]) }
        #expect(edit.unchanged && edit.message.contains("cannot be changed"), "\(edit.message)")
    }

    @Test("reversing a receipt whose stock was already issued is refused")
    func reversalWouldGoNegative() throws {
        let receipt = try receiveTents("10")
        try t.node.recordStock(.issue, Entry(item: "帐篷", site: "区应急库", quantity: "8"))
        let result = try t.refusal { try t.node.reverseStock(eventID: receipt) }
        #expect(result.unchanged && result.message.contains("no negative stock"), "\(result.message)")
    }
}
