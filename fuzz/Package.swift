// swift-tools-version:6.0
// libFuzzer targets for sello (scripts/fuzz.sh builds and runs them: `make fuzz`).
//
// The library's own targets are used as they are, through the symlinks in fuzz/Sources (SwiftPM
// wants target folders inside the package): every source file of Sources/SelloCore and
// Sources/Sello is compiled here with coverage instrumentation (-sanitize=fuzzer) and
// AddressSanitizer, so the fuzzer is guided by the Swift code itself, not only by the harness.
// If the main Package.swift gains a target that SelloCore or Sello depends on, add it here too.
import PackageDescription

// Instrumentation for every target, C and Swift alike. `fuzzer` on the compile side adds the
// edge/indirect-call/compare coverage libFuzzer needs; the executables link libFuzzer's main().
let sanitize: [String] = ["-sanitize=fuzzer,address", "-parse-as-library"]
let swiftFlags: [SwiftSetting] = [.unsafeFlags(sanitize)]
let cFlags: [CSetting] = [.unsafeFlags(["-fsanitize=fuzzer-no-link,address"])]
let linkFlags: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]

func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name, dependencies: dependencies, path: "Targets/\(name)",
        swiftSettings: swiftFlags + [.enableExperimentalFeature("CImplementation")],
        linkerSettings: linkFlags)
}

let package = Package(
    name: "sello-fuzz",
    targets: [
        .systemLibrary(name: "CSelloAPI", path: "Sources/CSelloAPI"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto"),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0"),
        .target(
            name: "CSelloShims", dependencies: ["CCurl", "COpenSSL"], path: "Sources/CSelloShims",
            cSettings: cFlags),
        .target(
            name: "SelloCore", dependencies: ["CCurl", "COpenSSL", "CLibXML2", "CSelloShims", "CSelloAPI"],
            path: "Sources/SelloCore", swiftSettings: swiftFlags + [.unsafeFlags(["-enable-testing"])]),
        .target(
            name: "Sello", dependencies: ["SelloCore", "CSelloAPI"], path: "Sources/Sello",
            exclude: ["exports.map"],
            swiftSettings: swiftFlags + [.enableExperimentalFeature("CImplementation")]),
        // One request JSON per C entry point: the first byte picks the function.
        fuzzTarget("fuzz_requests", ["Sello", "SelloCore"]),
        // The answer parsers.
        fuzzTarget("fuzz_json", ["SelloCore"]),
        fuzzTarget("fuzz_xml", ["SelloCore"]),
        fuzzTarget("fuzz_fes_answer", ["SelloCore"]),
        // Issue 12: the token's claims, and the masking of secrets in every encoded form.
        fuzzTarget("fuzz_jwt", ["SelloCore"]),
        fuzzTarget("fuzz_redactor", ["SelloCore"]),
    ]
)
