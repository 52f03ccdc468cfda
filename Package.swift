// swift-tools-version:6.1
import PackageDescription

// Data flows one way and so do imports: LogFormats <- Ingest <- Analytics <- netbar.
let package = Package(
    name: "netbar",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "netbar", targets: ["netbar"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "LogFormats"),
        .target(name: "CPrefetch"),
        // The shipped data files, embedded in the code; the files are links to columns/, signatures/ and reports/,
        // where an analyst looks for them.
        .target(
            name: "ShippedData",
            resources: [
                .embedInCode("column-names.tsv"), .embedInCode("billing-clients.txt"),
                .embedInCode("card-free-tools.txt"), .embedInCode("legal-basis.tsv"),
            ]),
        // Parquet files written from the format's specification (no Swift library exists); libzstd compresses pages.
        .target(name: "Parquet", dependencies: ["CZstd"]),
        .target(name: "Ingest", dependencies: ["LogFormats", "Parquet", "CZstd", "CZlib", "CSQLite", "CPrefetch"]),
        .target(
            name: "Analytics",
            dependencies: ["LogFormats", "Ingest", "ShippedData", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "DumpGenerator", dependencies: ["LogFormats", "ShippedData", "CZstd", "CZlib"]),
        .executableTarget(
            name: "netbar",
            dependencies: [
                "LogFormats", "Ingest", "Analytics", "DumpGenerator", "ShippedData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "NetbarTestSupport", path: "Tests/NetbarTestSupport"),
        .testTarget(name: "LogFormatsTests", dependencies: ["LogFormats", "ShippedData", "NetbarTestSupport"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "LogFormats", "ShippedData", "NetbarTestSupport"]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "NetbarTestSupport"]),
        .testTarget(name: "AnalyticsTests", dependencies: ["Analytics", "Ingest", "LogFormats", "ShippedData", "NetbarTestSupport"]),
        .testTarget(name: "DumpGeneratorTests", dependencies: ["DumpGenerator", "LogFormats"]),
        .testTarget(name: "NetbarTests", dependencies: ["DumpGenerator", "LogFormats", "NetbarTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
