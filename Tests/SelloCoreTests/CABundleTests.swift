import Testing

@testable import SelloCore

/// A machine with these regular files and folders, for `CABundle.choose`.
private struct Machine {
    var files: Set<String> = []
    var folders: Set<String> = []

    func choose(builtInFile: String?, builtInPath: String?) -> CABundle.Choice {
        CABundle.choose(
            builtInFile: builtInFile, builtInPath: builtInPath, candidates: CABundle.wellKnownFiles,
            isReadableFile: { files.contains($0) }, isDirectory: { folders.contains($0) })
    }
}

private let debianFile = "/etc/ssl/certs/ca-certificates.crt"
private let debianFolder = "/etc/ssl/certs"

@Suite struct CABundleTests {
    @Test func libcurlsOwnFileIsLeftAloneWhereItExists() {
        let debian = Machine(files: [debianFile], folders: [debianFolder])
        #expect(debian.choose(builtInFile: debianFile, builtInPath: debianFolder) == .builtIn)
    }

    @Test func aDebianLibcurlOnEachOtherDistributionFindsThatDistributionsBundle() {
        let machines: [(String, Machine, String)] = [
            (
                "RHEL 9",
                Machine(
                    files: ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"],
                    folders: ["/etc/pki/tls/certs"]), "/etc/pki/tls/certs/ca-bundle.crt"
            ),
            (
                "RHEL without the legacy link", Machine(files: ["/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"]),
                "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"
            ),
            (
                "openSUSE",
                Machine(
                    files: ["/etc/ssl/ca-bundle.pem", "/var/lib/ca-certificates/ca-bundle.pem"],
                    folders: [debianFolder]), "/etc/ssl/ca-bundle.pem"
            ),
            (
                "SLES without the link", Machine(files: ["/var/lib/ca-certificates/ca-bundle.pem"]),
                "/var/lib/ca-certificates/ca-bundle.pem"
            ),
            ("Alpine without ca-certificates", Machine(files: ["/etc/ssl/cert.pem"]), "/etc/ssl/cert.pem"),
        ]
        for (name, machine, expected) in machines {
            #expect(machine.choose(builtInFile: debianFile, builtInPath: debianFolder) == .file(expected), "\(name)")
        }
    }

    @Test func aFedoraLibcurlOnDebianFindsDebiansBundle() {
        let debian = Machine(files: [debianFile], folders: [debianFolder])
        #expect(debian.choose(builtInFile: "/etc/pki/tls/certs/ca-bundle.crt", builtInPath: nil) == .file(debianFile))
    }

    @Test func theDebianPlaceComesFirstWhereSeveralExist() {
        let both = Machine(files: ["/etc/ssl/cert.pem", debianFile])
        #expect(both.choose(builtInFile: "/opt/vendor/cacert.pem", builtInPath: nil) == .file(debianFile))
    }

    @Test func aLibcurlWithOnlyACAFolderThatExistsIsLeftAlone() {
        let machine = Machine(folders: [debianFolder])
        #expect(machine.choose(builtInFile: nil, builtInPath: debianFolder) == .builtIn)
    }

    @Test func aLibcurlWithNoBuiltInPlaceLooksForAFile() {
        let machine = Machine(files: ["/etc/pki/tls/certs/ca-bundle.crt"])
        #expect(machine.choose(builtInFile: nil, builtInPath: nil) == .file("/etc/pki/tls/certs/ca-bundle.crt"))
        #expect(Machine().choose(builtInFile: nil, builtInPath: nil) == .notFound)
    }

    @Test func aMachineWithNoBundleAnywhereIsNotFound() {
        let bare = Machine(folders: [debianFolder]) // the folder alone does not help: the file is missing
        #expect(bare.choose(builtInFile: debianFile, builtInPath: debianFolder) == .notFound)
    }

    @Test func theConfiguredFileAlwaysWins() {
        let readable: (String) -> Bool = { _ in true }
        for system: CABundle.Choice in [.builtIn, .file("/etc/ssl/cert.pem"), .notFound] {
            #expect(
                CABundle.resolve(
                    configured: "/my/ca.pem", system: system, fallback: "/certifi.pem",
                    isReadableFile: readable) == "/my/ca.pem")
        }
    }

    @Test func theFallbackIsUsedOnlyWhenTheSystemHasNoBundle() {
        let readable: (String) -> Bool = { $0 == "/certifi.pem" }
        #expect(
            CABundle.resolve(configured: nil, system: .builtIn, fallback: "/certifi.pem", isReadableFile: readable)
                == nil)
        #expect(
            CABundle.resolve(
                configured: nil, system: .file("/etc/ssl/cert.pem"), fallback: "/certifi.pem",
                isReadableFile: readable) == "/etc/ssl/cert.pem")
        #expect(
            CABundle.resolve(
                configured: nil, system: .notFound, fallback: "/certifi.pem",
                isReadableFile: readable) == "/certifi.pem")
        #expect(
            CABundle.resolve(configured: nil, system: .notFound, fallback: "/gone.pem", isReadableFile: readable) == nil
        )
        #expect(CABundle.resolve(configured: nil, system: .notFound, fallback: nil, isReadableFile: readable) == nil)
    }

    @Test func theTableCoversTheMajorDistributions() {
        let table = CABundle.wellKnownFiles
        #expect(table.first == debianFile)
        for path in [
            "/etc/pki/tls/certs/ca-bundle.crt", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
            "/etc/ssl/ca-bundle.pem", "/var/lib/ca-certificates/ca-bundle.pem", "/etc/ssl/cert.pem",
        ] {
            #expect(table.contains(path), "\(path)")
        }
        #expect(Set(table).count == table.count)
    }

    /// A machine without any bundle (a slim image without ca-certificates): the error says so,
    /// where it looked, and what to install or set — not "set ca_file for a private CA".
    @Test func noBundleAnywhereIsSaidAsSuch() {
        let error = CABundle.missingBundleError(detail: "error setting certificate file: \(debianFile)")
        #expect((error.kind, error.code.name, error.field) == (.transport, "TLS_FAILED", "ca_file"))
        #expect(error.message.contains("this machine has no CA bundle (looked in "))
        for place in CABundle.wellKnownFiles { #expect(error.message.contains(place), "\(place)") }
        #expect(error.message.contains("install the system's CA certificates (ca-certificates:"))
        #expect(error.message.contains("set ca_file") && error.message.contains("pip install certifi"))
        #expect(!error.message.contains("private CA"))
        let places = CABundle.placesLookedIn
        #expect(Set(places).count == places.count && places.count >= CABundle.wellKnownFiles.count)
    }
}
