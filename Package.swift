// swift-tools-version: 6.2
// Interop Sandbox: Benin's e-government building blocks, emulated on one laptop, offline.
// The module layout follows ../shared/ARCHITECTURE.md (the house plan): C system libraries (OpenSSL,
// SQLite, libqrencode) on the first floor, SandboxCore and SandboxCrypto on the second, the building blocks
// on the third, the `sandbox` CLI on top.
import PackageDescription

/// Settings shared by every Swift target, as Hummingbird does: Swift 6 mode with strict concurrency,
/// and the upcoming features that keep imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "interop-sandbox",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sandbox", targets: ["SandboxCLI"]),
        .library(name: "SandboxCore", targets: ["SandboxCore"]),
        // The house plan calls this module `Crypto`; swift-crypto (pulled in by swift-configuration) already
        // owns that name in the package graph, so ours is `SandboxCrypto`.
        .library(name: "SandboxCrypto", targets: ["SandboxCrypto"]),
        .library(name: "PKI", targets: ["PKI"]),
        .library(name: "XRoad", targets: ["XRoad"]),
        .library(name: "Registries", targets: ["Registries"]),
        .library(name: "PNPE", targets: ["PNPE"]),
        .library(name: "AgrementFAI", targets: ["AgrementFAI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // SHA-256 and HMAC for the sample e-service, which must not link the sandbox's own OpenSSL layer:
        // it stands for a trainee's application, using its language's usual crypto library.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
    ],
    targets: [
        // Floor 1: C libraries from Debian (libssl-dev, libsqlite3-dev), and the shims Swift cannot import.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"]), .brew(["qrencode"])]
        ),
        .target(
            name: "COpenSSLShims",
            dependencies: ["COpenSSL"],
            linkerSettings: [.linkedLibrary("crypto"), .linkedLibrary("ssl")]
        ),

        // Floor 2: plumbing shared by every block, and Swift types over OpenSSL.
        .target(
            name: "SandboxCore",
            dependencies: [
                "CSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SandboxCrypto",
            dependencies: ["COpenSSL", "COpenSSLShims"],
            swiftSettings: swiftSettings
        ),

        // Floor 3: building blocks.
        .target(
            name: "PKI",
            dependencies: [
                "SandboxCore", "SandboxCrypto", "CQREncode",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "XRoad",
            dependencies: [
                "SandboxCore", "SandboxCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "Registries",
            dependencies: ["SandboxCore", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "PNPE",
            dependencies: [
                "SandboxCore", "SandboxCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // Floor 4: the sample e-service. It reaches the blocks over HTTP only, never through their modules.
        .target(
            name: "AgrementFAI",
            dependencies: [
                "SandboxCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // Floor 5: the `sandbox` command.
        .executableTarget(
            name: "SandboxCLI",
            dependencies: [
                "SandboxCore", "SandboxCrypto", "PKI", "XRoad", "Registries", "PNPE", "AgrementFAI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // Helpers shared by the test targets (temporary directories, the openssl command line as an oracle).
        .target(name: "SandboxTesting", dependencies: ["SandboxCore"], swiftSettings: swiftSettings),

        .testTarget(
            name: "SandboxCoreTests",
            dependencies: [
                "SandboxCore", "SandboxTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SandboxCryptoTests", dependencies: ["SandboxCrypto", "SandboxTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PKITests",
            dependencies: [
                "PKI", "SandboxCrypto", "SandboxCore", "SandboxTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "XRoadTests",
            dependencies: [
                "XRoad", "PKI", "SandboxCore", "SandboxCrypto", "SandboxTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RegistriesTests",
            dependencies: [
                "Registries", "SandboxCore", "SandboxTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PNPETests",
            dependencies: [
                "PNPE", "SandboxCore", "SandboxCrypto", "SandboxTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgrementFAITests",
            dependencies: [
                "AgrementFAI", "SandboxCore", "SandboxTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SandboxCLITests",
            dependencies: [
                "SandboxCLI", "PKI", "PNPE", "AgrementFAI", "SandboxCrypto", "SandboxCore", "SandboxTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
