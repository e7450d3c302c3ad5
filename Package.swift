// swift-tools-version:6.1
import PackageDescription

/// TierSync: offline-first, conflict-resolving sync of emergency-management records
/// between township, county, city and province nodes.
///
/// Layers are targets so that the compiler keeps the arrows pointing down:
/// Core ← Store ← Domain ← executables. `Schema/` and `seeds/` are targets only so that
/// their files are embedded in the binary (`.embedInCode`), with no resource bundle to ship.
let package = Package(
    name: "TierSync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tiersync", targets: ["tiersync"]),
        .executable(name: "tiersync-bench", targets: ["TierSyncBenchmarks"]),
        .executable(name: "SyncServer", targets: ["SyncServer"]),
        .library(name: "TierSyncCore", targets: ["TierSyncCore"]),
        .library(name: "TierSyncStore", targets: ["TierSyncStore"]),
        .library(name: "TierSyncDomain", targets: ["TierSyncDomain"]),
        .library(name: "TierSyncProtocol", targets: ["TierSyncProtocol"]),
        .library(name: "TierSyncHub", targets: ["TierSyncHub"]),
        .library(name: "TierSyncClient", targets: ["TierSyncClient"]),
        .library(name: "TierSyncReports", targets: ["TierSyncReports"]),
        .library(name: "TierSyncDashboard", targets: ["TierSyncDashboard"]),
        .library(name: "TierSyncWorkbench", targets: ["TierSyncWorkbench"]),
        .library(name: "TierSyncSpreadsheet", targets: ["TierSyncSpreadsheet"]),
        .library(name: "TierSyncPostgres", targets: ["TierSyncPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        .target(name: "TierSyncCore"),
        .systemLibrary(name: "CTierSyncZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CTierSyncCrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "TierSyncProtocol", dependencies: ["TierSyncCore", "CTierSyncZlib"]),
        .target(
            name: "TierSyncSchema",
            path: "Schema",
            exclude: ["README.md"],
            sources: ["SchemaFiles.swift"],
            resources: [
                .embedInCode("0001_foundation.sql"),
                .embedInCode("0002_records.sql"),
                .embedInCode("0003_merge.sql"),
                .embedInCode("0004_trust.sql"),
                .embedInCode("0005_snapshot.sql"),
                .embedInCode("0006_operators.sql"),
                .embedInCode("0007_tasks.sql"),
                .embedInCode("0008_people.sql"),
                .embedInCode("0009_procedures.sql"),
                .embedInCode("0010_sharing.sql"),
                .embedInCode("0011_epochs.sql"),
                .embedInCode("0012_attachments.sql"),
                .embedInCode("0013_opaque.sql"),
                .embedInCode("0014_bundle_wants.sql"),
                .embedInCode("0015_directory_token.sql"),
                .embedInCode("0016_packed_log.sql"),
            ]
        ),
        .target(
            name: "TierSyncSeeds",
            path: "seeds",
            exclude: ["README.md"],
            sources: ["SeedFiles.swift"],
            resources: [
                .embedInCode("orgs.csv"),
                .embedInCode("vocabulary.csv"),
            ]
        ),
        .target(
            name: "TierSyncStore",
            dependencies: [
                "TierSyncCore",
                "TierSyncSchema",
                "CTierSyncCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A node's store in PostgreSQL (a hub past one machine): the same merge over postgres-nio.
        .target(
            name: "TierSyncPostgres",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncDomain", "TierSyncSpreadsheet",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // XLSX and CSV files as spreadsheets save them: ZIPFoundation for the package,
        // Foundation's XMLParser for its parts, iconv for GB18030.
        .target(
            name: "TierSyncSpreadsheet",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(
            name: "TierSyncDomain",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncSeeds", "TierSyncProtocol", "TierSyncSpreadsheet",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        .target(
            name: "TierSyncHub",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncDomain", "TierSyncProtocol", "TierSyncReports",
                "TierSyncDashboard", "TierSyncSpreadsheet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "TierSyncClient",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncDomain", "TierSyncProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TierSyncReports",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncDomain", "TierSyncSpreadsheet",
            ]
        ),
        .target(
            name: "TierSyncDashboard",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncDomain", "TierSyncReports",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Templates/README.md"],
            resources: [
                .embedInCode("Templates/layout.mustache"),
                .embedInCode("Templates/login.mustache"),
                .embedInCode("Templates/overview.mustache"),
                .embedInCode("Templates/report.mustache"),
                .embedInCode("Templates/error.mustache"),
                .embedInCode("Templates/chart.mustache"),
                .embedInCode("Templates/table.mustache"),
                .embedInCode("Templates/dashboard.css"),
            ]
        ),
        .target(
            name: "TierSyncWorkbench",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncDomain", "TierSyncReports", "TierSyncDashboard",
                "TierSyncHub", "TierSyncClient", "TierSyncSpreadsheet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Templates/README.md"],
            resources: [
                .embedInCode("Templates/records.mustache"),
                .embedInCode("Templates/list.mustache"),
                .embedInCode("Templates/form.mustache"),
                .embedInCode("Templates/confirm.mustache"),
                .embedInCode("Templates/stock.mustache"),
                .embedInCode("Templates/stock-item.mustache"),
                .embedInCode("Templates/sync.mustache"),
                .embedInCode("Templates/conflicts.mustache"),
                .embedInCode("Templates/accounts.mustache"),
                .embedInCode("Templates/fields.mustache"),
                .embedInCode("Templates/procedures.mustache"),
                .embedInCode("Templates/review.mustache"),
                .embedInCode("Templates/periods.mustache"),
                .embedInCode("Templates/import.mustache"),
            ]
        ),
        .executableTarget(
            name: "SyncServer",
            dependencies: [
                "TierSyncDomain", "TierSyncHub", "TierSyncClient", "TierSyncWorkbench",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "SyncServer",
            exclude: ["README.md", "openapi.yaml", "config", "deploy"],
            sources: ["SyncServer.swift"]
        ),
        .executableTarget(
            name: "tiersync",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncDomain", "TierSyncHub", "TierSyncClient", "TierSyncReports",
                "TierSyncWorkbench", "TierSyncSpreadsheet", "TierSyncPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "TierSyncBenchmarks",
            dependencies: [
                "TierSyncCore", "TierSyncStore", "TierSyncDomain", "TierSyncProtocol", "TierSyncHub", "TierSyncClient",
                "TierSyncReports", "TierSyncDashboard", "TierSyncWorkbench", "TierSyncSpreadsheet", "TierSyncPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // What several test targets share (not a product): threads of their own for the work
        // that must not wait behind the suite's other tests on Swift's shared pool.
        .target(name: "TierSyncTestSupport", path: "Tests/TierSyncTestSupport"),
        .testTarget(name: "TierSyncCoreTests", dependencies: ["TierSyncCore"]),
        .testTarget(name: "TierSyncSpreadsheetTests", dependencies: ["TierSyncSpreadsheet"]),
        .testTarget(
            name: "TierSyncStoreTests",
            dependencies: ["TierSyncStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "TierSyncDomainTests", dependencies: ["TierSyncDomain", "TierSyncSpreadsheet"]),
        .testTarget(
            name: "TierSyncHubTests",
            dependencies: [
                "TierSyncHub", "TierSyncReports", "TierSyncDomain", "TierSyncCore", "TierSyncProtocol",
                "TierSyncPostgres", "TierSyncTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(
            name: "TierSyncClientTests",
            dependencies: [
                "TierSyncClient", "TierSyncHub", "TierSyncDomain", "TierSyncPostgres", "TierSyncTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "TierSyncReportsTests",
            dependencies: [
                "TierSyncReports", "TierSyncDomain", "TierSyncStore", "TierSyncCore", "TierSyncPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TierSyncDashboardTests",
            dependencies: [
                "TierSyncDashboard", "TierSyncReports", "TierSyncDomain", "TierSyncStore", "TierSyncCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "TierSyncWorkbenchTests",
            dependencies: [
                "TierSyncWorkbench", "TierSyncHub", "TierSyncDomain", "TierSyncStore", "TierSyncCore",
                "TierSyncPostgres", "TierSyncTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TierSyncPostgresTests",
            dependencies: [
                "TierSyncPostgres", "TierSyncStore", "TierSyncCore", "TierSyncDomain", "TierSyncSpreadsheet",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "TierSyncProtocolTests", dependencies: ["TierSyncProtocol"], exclude: ["Fixtures"]),
        .testTarget(
            name: "TierSyncCLITests",
            dependencies: [
                "tiersync", "TierSyncDomain", "TierSyncStore", "TierSyncCore", "TierSyncPostgres",
                "TierSyncTestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
