import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// Which CA bundle a transfer trusts when the configuration names none (`ca_file`).
///
/// libcurl looks only where it was built to look (`curl_version_info`: `cainfo`, `capath`), and
/// with OpenSSL a CA file that does not exist fails every HTTPS transfer, even when `capath`
/// exists. A libcurl built on Debian and carried to another distribution — the one a wheel
/// vendors — keeps `/etc/ssl/certs/ca-certificates.crt`, which RHEL and SUSE do not have. So
/// when libcurl's own file is missing we look where the major distributions keep their PEM
/// bundle, and last at the caller's `fallback_ca_file` (the Python binding passes certifi's).
enum CABundle {
    /// Where the major distributions keep their PEM bundle: the list Go's crypto/x509 uses on Linux,
    /// in its order, and SUSE's own file last.
    static let wellKnownFiles = [
        "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Arch, Gentoo, Alpine
        "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL 6+, CentOS, Amazon Linux
        "/etc/ssl/ca-bundle.pem", // openSUSE, SLES
        "/etc/pki/tls/cacert.pem", // OpenELEC
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7+, Fedora (the extracted store)
        "/etc/ssl/cert.pem", // Alpine, the BSDs
        "/var/lib/ca-certificates/ca-bundle.pem", // SUSE (what /etc/ssl/ca-bundle.pem points to)
    ]

    /// What the system offers when the configuration names no CA file.
    enum Choice: Equatable, Sendable {
        /// libcurl's built-in setting works here: leave it.
        case builtIn
        /// libcurl's built-in file is missing; this one exists: set CURLOPT_CAINFO to it.
        case file(String)
        /// Neither libcurl's built-in place nor a well-known file exists.
        case notFound
    }

    /// The system's part of the decision. The file tests are injected, so that tests can play
    /// any distribution.
    static func choose(
        builtInFile: String?, builtInPath: String?, candidates: [String],
        isReadableFile: (String) -> Bool, isDirectory: (String) -> Bool
    ) -> Choice {
        if let builtInFile, isReadableFile(builtInFile) { return .builtIn }
        // A libcurl built with a CA folder and no file loads the folder: nothing is missing.
        if builtInFile == nil, let builtInPath, isDirectory(builtInPath) { return .builtIn }
        if let found = candidates.first(where: isReadableFile) { return .file(found) }
        return .notFound
    }

    /// The file to give CURLOPT_CAINFO (nil: leave libcurl's own): the configured `ca_file`,
    /// else what the system offers, else the caller's `fallback_ca_file` when it is readable.
    static func resolve(
        configured: String?, system: Choice, fallback: String?,
        isReadableFile: (String) -> Bool
    ) -> String? {
        if let configured { return configured }
        switch system {
        case .builtIn: return nil
        case .file(let path): return path
        case .notFound: return fallback.flatMap { isReadableFile($0) ? $0 : nil }
        }
    }

    /// Where libcurl was built to look (`curl_version_info`: `cainfo`, `capath`).
    static let builtIn: (file: String?, path: String?) = {
        // cainfo and capath exist from CURLVERSION_SEVENTH (7.70) on; an older libcurl's struct
        // is shorter and must not be read past its age.
        guard let info = curl_version_info(CURLVERSION_SEVENTH)?.pointee,
            info.age.rawValue >= CURLVERSION_SEVENTH.rawValue
        else { return (nil, nil) }
        return (info.cainfo.map { String(cString: $0) }, info.capath.map { String(cString: $0) })
    }()

    /// This machine's answer, found once per process (a few stat calls).
    static let system: Choice = choose(
        builtInFile: builtIn.file, builtInPath: builtIn.path, candidates: wellKnownFiles,
        isReadableFile: FileSystem.isReadableFile, isDirectory: isDirectory)

    /// Every place looked in, libcurl's own first, each once: what an error says when none exists.
    static var placesLookedIn: [String] {
        var places: [String] = []
        for place in [builtIn.file, builtIn.path].compactMap({ $0 }) + wellKnownFiles where !places.contains(place) {
            places.append(place)
        }
        return places
    }

    /// The error of a TLS failure when no CA file was given and this machine has none (`.notFound`):
    /// libcurl tried its built-in place, which is missing ("error setting certificate file"). Not
    /// a private CA's problem, as the usual hint would say: every public certificate fails too.
    static func missingBundleError(detail: String) -> SelloError {
        SelloError(
            .transport, .tlsFailed,
            "TLS failed, nothing was sent: this machine has no CA bundle (looked in "
                + "\(placesLookedIn.joined(separator: ", ")); libcurl: \(detail)): install the system's CA "
                + "certificates (ca-certificates: apt-get install ca-certificates, dnf install ca-certificates, "
                + "apk add ca-certificates), or set ca_file to a PEM bundle, or fallback_ca_file (the Python "
                + "binding passes certifi's when certifi is installed: pip install certifi)",
            field: "ca_file")
    }

    /// The CA file for a client's configuration, or nil for libcurl's built-in one.
    static func caFile(for config: ClientConfig) -> String? {
        resolve(
            configured: config.caFile, system: system, fallback: config.fallbackCaFile,
            isReadableFile: FileSystem.isReadableFile)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
