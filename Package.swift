// swift-tools-version:6.0
import PackageDescription

// libsello.so: the Swift core with the Swift runtime linked in statically. Build it with
// `make build` (swift build -c release -Xswiftc -static-stdlib -Xlinker --exclude-libs=ALL);
// the version script exports exactly the functions of include/sello.h.
let package = Package(
    name: "sello",
    products: [
        .library(name: "sello", type: .dynamic, targets: ["Sello"])
    ],
    targets: [
        // The public C header, imported by the export layer so that `@c @implementation`
        // checks every exported signature against it.
        .systemLibrary(name: "CSelloAPI", path: "Sources/CSelloAPI"),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        // Typed wrappers for what Swift cannot call: variadic curl_easy_setopt/getinfo,
        // OpenSSL macros, the curl share locks.
        .target(name: "CSelloShims", dependencies: ["CCurl", "COpenSSL"], path: "Sources/CSelloShims"),
        // CSelloAPI for the version macros of include/sello.h (Sello.version, Sello.abiVersion).
        .target(
            name: "SelloCore", dependencies: ["CCurl", "COpenSSL", "CLibXML2", "CSelloShims", "CSelloAPI"],
            path: "Sources/SelloCore"),
        // The thin C export layer.
        .target(
            name: "Sello", dependencies: ["SelloCore", "CSelloAPI"], path: "Sources/Sello", exclude: ["exports.map"],
            swiftSettings: [.enableExperimentalFeature("CImplementation")],
            linkerSettings: [
                .unsafeFlags([
                    "-Xlinker", "--version-script=Sources/Sello/exports.map",
                    "-Xlinker", "-soname=libsello.so.0",
                    // dlclose() leaves it loaded: the Swift runtime linked in cannot be unloaded
                    // cleanly, and PHP's FFI::cdef() reopens the library on every request (each
                    // reload leaked some 7 kB; Tests/python/test_unload.py).
                    "-Xlinker", "-z", "-Xlinker", "nodelete",
                ])
            ]),
        .testTarget(name: "SelloCoreTests", dependencies: ["SelloCore"], path: "Tests/SelloCoreTests"),
    ]
)
