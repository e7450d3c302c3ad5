import ArgumentParser
import TierSyncCore
import TierSyncDomain
import TierSyncPostgres
import TierSyncStore

/// `tiersync stock ...`: the material ledger. Movements are immutable events; balances are
/// derived from them; a correction is a reversing event.
struct StockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock",
        abstract: "Record stock movements of emergency materials and show balances.",
        subcommands: [
            StockMovementCommand<Receive>.self, StockMovementCommand<Issue>.self, StockTransfer.self,
            StockMovementCommand<Count>.self, StockReverse.self, StockBalanceCommand.self, StockItems.self,
            StockEvents.self,
        ])
}

/// Options shared by every movement.
struct MovementOptions: ParsableArguments {
    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("Owning org unit (default: the node's own).", valueName: "code")) var org: String?
    @Option(help: ArgumentHelp("Material item: its id, or its name at the org.", valueName: "item")) var item: String
    @Option(help: ArgumentHelp("Date of the movement, YYYY-MM-DD (default: today).", valueName: "date")) var date:
        String?
    @Option(help: ArgumentHelp("Free note.", valueName: "text")) var note: String?
    @Flag(help: "Print the event as JSON.") var json = false

    func entry(site: String, quantity: String) -> TierSyncNode.StockEntry {
        TierSyncNode.StockEntry(org: org, item: item, site: site, quantity: quantity, date: date, note: note)
    }

    func record(_ movement: TierSyncNode.StockMovement, _ entry: TierSyncNode.StockEntry) throws {
        let event =
            try node.openWorkspace().recordStock(movement, entry)
        try Output.record(event, json: json)
    }
}

protocol MovementTag {
    static var movement: TierSyncNode.StockMovement { get }
    static var abstract: String { get }
    static var quantityHelp: String { get }
}
enum Receive: MovementTag {
    static let movement = TierSyncNode.StockMovement.receive
    static let abstract =
        "Record stock received at a site (creates the item when --category and --unit describe a new one)."
    static let quantityHelp = "Amount received."
}
enum Issue: MovementTag {
    static let movement = TierSyncNode.StockMovement.issue
    static let abstract = "Record stock issued from a site; refused when the site holds less."
    static let quantityHelp = "Amount issued."
}
enum Count: MovementTag {
    static let movement = TierSyncNode.StockMovement.count
    static let abstract = "Record a stocktake (盘点): the counted balance of the item at the site."
    static let quantityHelp = "The counted balance."
}

struct StockMovementCommand<Tag: MovementTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Tag.movement.rawValue, abstract: Tag.abstract)
    }

    @OptionGroup var options: MovementOptions
    @Option(help: ArgumentHelp("Storage site.", valueName: "site")) var site: String
    // `.unconditional` so that `--quantity -5` reaches validation (and its clear message)
    // instead of being taken for a flag.
    @Option(parsing: .unconditional, help: ArgumentHelp(Tag.quantityHelp, valueName: "number")) var quantity: String
    @Option(help: "Receive: where it came from (purchase, donation, allocation, return).") var source: String?
    @Option(help: "Receive of a new item: its material category.") var category: String?
    @Option(help: "Receive of a new item: its unit of measure, e.g. 顶.") var unit: String?
    @Option(help: "Receive of a new item: physical, commercial or production-capacity (default physical).")
    var reserveKind: String?
    @Option(help: "Receive of a new item: who keeps it.") var custodian: String?

    func validate() throws {
        if Tag.movement != .receive, [source, category, unit, reserveKind, custodian].contains(where: { $0 != nil }) {
            throw ValidationError(
                "--source, --category, --unit, --reserve-kind and --custodian apply to `stock receive` only")
        }
    }

    func run() throws {
        var entry = options.entry(site: site, quantity: quantity)
        entry.source = source
        let described: [(String, String?)] = [
            ("category", category), ("unit", unit), ("reserve_kind", reserveKind), ("custodian", custodian),
        ]
        entry.newItem = Dictionary(uniqueKeysWithValues: described.compactMap { key, value in value.map { (key, $0) } })
        try options.record(Tag.movement, entry)
    }
}

struct StockTransfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Move stock from one site to another, or to another org's site; refused when the source holds less.")

    @OptionGroup var options: MovementOptions
    @Option(
        name: [.customLong("from-site"), .customLong("site")],
        help: ArgumentHelp("Site the stock leaves.", valueName: "site")) var fromSite: String
    @Option(help: ArgumentHelp("Site the stock arrives at.", valueName: "site")) var toSite: String
    @Option(help: ArgumentHelp("Org the stock goes to (default: the same org).", valueName: "code")) var toOrg: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Amount moved.", valueName: "number")) var quantity: String

    func run() throws {
        var entry = options.entry(site: fromSite, quantity: quantity)
        (entry.toSite, entry.toOrg) = (toSite, toOrg)
        try options.record(.transfer, entry)
    }
}

struct StockReverse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reverse", abstract: "Correct a movement by recording its reversing event.")

    @OptionGroup var node: NodeOptions
    @Argument(help: "The id of the event to reverse.") var event: String
    @Option(help: "Why it is reversed.") var note: String?
    @Flag(help: "Print the reversing event as JSON.") var json = false

    func run() throws {
        let reversal =
            try node.openWorkspace().reverseStock(eventID: event, note: note)
        try Output.record(reversal, json: json)
    }
}

struct StockBalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance", abstract: "Balances by item, org and site, derived from the stock events.")

    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("Only this org and the units below it.", valueName: "code")) var org: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let opened = try node.openWorkspace()
        let balances = try opened.stockBalances(under: org)
        if json {
            try Output.json(["balances": balances])
        } else {
            let vocabulary = try opened.referenceVocabulary()
            Output.table(
                ["org", "site", "item", "category", "reserve", "quantity", "unit"],
                balances.map {
                    [
                        $0.orgName, $0.site, $0.itemName, vocabulary.name(of: $0.category, kind: "material-category"),
                        vocabulary.name(of: $0.reserveKind, kind: "reserve-kind"),
                        FieldValue.real($0.quantity).description, $0.unit,
                    ]
                })
        }
    }
}

struct StockItems: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "items", abstract: "List material items.")
    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("Only this org and the units below it.", valueName: "code")) var org: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws { try listKind(.materialItem, node: node, org: org, json: json) }
}

struct StockEvents: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "List stock events (the ledger's history).")
    @OptionGroup var node: NodeOptions
    @Option(help: ArgumentHelp("Only this org and the units below it.", valueName: "code")) var org: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws { try listKind(.stockEvent, node: node, org: org, json: json) }
}

/// Lists records of `kind` under `org` as a table or JSON (`list` of every kind).
func listKind(
    _ kind: RecordKind, node: NodeOptions, org: String?, includeDeleted: Bool = false, shared: Bool = false, json: Bool
) throws {
    let records: [StoredRecord]
    let printer: () throws -> RecordPrinter
    if let address = try node.postgres {
        let hub = try PostgresHub.open(address: address)
        records = try hub.list(kind, under: org, includeDeleted: includeDeleted, shared: shared)
        printer = { RecordPrinter(vocabulary: hub.vocabulary, orgs: try hub.orgs()) }
    } else {
        let opened = try TierSyncNode.open(path: node.db)
        records = try opened.list(kind, under: org, includeDeleted: includeDeleted, shared: shared)
        printer = { RecordPrinter(node: opened) }
    }
    if json {
        try Output.json(["records": records.map { RecordDocument($0) }])
    } else {
        try printer().table(kind, records)
    }
}
