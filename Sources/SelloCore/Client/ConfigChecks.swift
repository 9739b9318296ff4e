#if canImport(Glibc)
import Glibc
#endif

/// The checks of issue 12 on a configuration, made once at `*_client_new` so that every call of
/// every operation of every service gets them: nothing a configuration says can inject bytes on
/// the wire, cut a credential, leave a secret unmaskable or send credentials in clear text.
extension ClientConfig {
    mutating func harden(_ reader: FieldReader, serviceKeys: [String], credentialKeys: [String]) throws(SelloError) {
        // A NUL inside a string would cut it where libcurl reads it as a C string (item 15).
        for member in reader.request.json.objectValue?.members ?? [] {
            if let text = member.value.stringValue, text.utf8.contains(0) {
                throw .invalidArgument("'\(member.key)' contains a NUL character", field: member.key)
            }
        }
        // A credential read from a file keeps the file's line break; sent, it is a wrong login, and
        // the services lock an account after a few (PADE after 3, PRODIGIA_2026.md §1).
        for key in credentialKeys {
            guard let value = service[key]?.stringValue else { continue }
            if let problem = ClientConfig.controlCharacterProblem(in: value, field: key) {
                throw .invalidArgument(problem + "; nothing was sent", field: key)
            }
        }
        // CR/LF in the User-Agent would add header lines of its own (item 15).
        if userAgent.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw .invalidArgument("user_agent must not contain control characters (CR, LF, TAB…)", field: "user_agent")
        }
        // Secrets shorter than the redactor masks are refused (item 8).
        for key in serviceKeys where Redactor.secretNames.contains(key) {
            guard let value = service[key]?.stringValue, !value.isEmpty else { continue }
            try ClientConfig.checkSecretLength(value, field: key)
            secrets.append(value)
        }
        if let proxy {
            let setting = try ProxySetting(proxy)
            proxySetting = setting
            secrets += setting.secrets
            // A plain-HTTP service through a proxy off this machine carries the credentials in
            // clear beyond loopback, whatever the proxy's own scheme (item 7).
            let base = try ServiceURL(baseURL, allowInsecureHTTP: allowInsecureHTTP)
            if base.scheme == "http" && !setting.isLoopback && !allowInsecureHTTP {
                throw SelloError(
                    .invalidArgument, .insecureHttp,
                    "http:// through the proxy '\(setting.host)' would send credentials in clear text "
                        + "beyond this machine; use https://, or set allow_insecure_http to true",
                    field: "proxy")
            }
        }
        // libcurl writes every TLS session's keys to the file SSLKEYLOGFILE names (item 21).
        allowTLSKeyLog = try reader.bool("allow_tls_key_log") ?? false
        if let path = ClientConfig.tlsKeyLogFile, !allowTLSKeyLog {
            throw SelloError(
                .invalidArgument, .tlsKeyLog,
                "the environment variable SSLKEYLOGFILE is set ('\(path)'): libcurl would write this "
                    + "client's TLS session keys there, which decrypt its traffic, credentials included; "
                    + "unset it, or set allow_tls_key_log to true for a debugging session",
                field: "allow_tls_key_log")
        }
    }

    static var tlsKeyLogFile: String? {
        guard let value = getenv("SSLKEYLOGFILE") else { return nil }
        let path = String(cString: value)
        return path.isEmpty ? nil : path
    }

    /// What is wrong with a credential holding a C0 control character or DEL, or an invisible
    /// format character (Unicode's Cf: a byte-order mark, a zero-width space, a direction mark),
    /// or nil: credentials are typed text, and the usual ones are the line break a file ends with
    /// (a Kubernetes secret made with --from-file, a .env with CRLF line ends) and the BOM a file
    /// saved as "UTF-8 with BOM" starts with (Notepad, PowerShell 5's Out-File). Sent, either is a
    /// wrong login, and PADE locks an account after 3. The message names the character, never
    /// the value. Spaces are not refused: a password may hold them, at its ends too; nor is the
    /// zero-width joiner of an emoji sequence.
    public static func controlCharacterProblem(in value: String, field: String) -> String? {
        if let problem = invisibleCharacterProblem(in: value, field: field) { return problem }
        let isControl = { (scalar: Unicode.Scalar) in scalar.value < 0x20 || scalar.value == 0x7F }
        guard let first = value.unicodeScalars.first(where: isControl) else { return nil }
        if let names = trailingLineBreak(value) {
            return "'\(field)' ends with a line break (\(names)): was it read from a file (a Kubernetes secret "
                + "made with --from-file, a .env with CRLF line ends)? strip it"
        }
        return "'\(field)' contains a control character (\(controlName(first))): a credential is typed text; "
            + "remove it"
    }

    /// A byte-order mark or another invisible format character (Cf) in `value`, named.
    static func invisibleCharacterProblem(in value: String, field: String) -> String? {
        var previous: Unicode.Scalar?
        for scalar in value.unicodeScalars {
            defer { previous = scalar }
            guard scalar.value >= 0xAD, scalar.properties.generalCategory == .format else { continue }
            if scalar.value == 0x200D, previous?.properties.isEmoji == true { continue }
            let code = "U+" + LogText.hex(scalar.value, digits: scalar.value > 0xFFFF ? 5 : 4)
            if scalar.value == 0xFEFF {
                return "'\(field)' contains an invisible character (\(code), a byte-order mark): was it read "
                    + "from a file saved as \"UTF-8 with BOM\" (Notepad, PowerShell's Out-File)? save it "
                    + "without the BOM, or strip it"
            }
            return "'\(field)' contains an invisible character (\(code)): a credential is typed text; remove it"
        }
        return nil
    }

    /// The line break `text` ends with, named ("CR LF"), or nil.
    static func trailingLineBreak(_ text: String) -> String? {
        let trailing = text.unicodeScalars.reversed().prefix { $0 == "\r" || $0 == "\n" }
        guard !trailing.isEmpty else { return nil }
        return trailing.reversed().map { $0 == "\r" ? "CR" : "LF" }.joined(separator: " ")
    }

    /// A control character as a message names it: CR, LF, TAB, ESC, DEL or U+00XX.
    static func controlName(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0D: "CR"
        case 0x0A: "LF"
        case 0x09: "TAB"
        case 0x1B: "ESC"
        case 0x7F: "DEL"
        default: "U+00" + LogText.hex(scalar.value, digits: 2)
        }
    }

    /// A secret the library could not mask is refused (issue 12, item 8).
    public static func checkSecretLength(_ value: String, field: String) throws(SelloError) {
        guard value.count < Redactor.minimumSecretLength else { return }
        throw SelloError(
            .invalidArgument, .secretTooShort,
            "'\(field)' has fewer than \(Redactor.minimumSecretLength) characters: too short to be kept "
                + "out of logs and messages",
            field: field)
    }
}

extension RetryPolicy {
    /// Upper bounds of the retry delays (item 18): a minute for the first, five for any.
    public static let maxBaseDelayMs = 60_000
    public static let maxMaxDelayMs = 300_000

    func check() throws(SelloError) {
        guard baseDelayMs <= RetryPolicy.maxBaseDelayMs else {
            throw .invalidArgument(
                "retries.base_delay_ms must be at most \(RetryPolicy.maxBaseDelayMs), got "
                    + "\(baseDelayMs)", field: "retries")
        }
        guard maxDelayMs <= RetryPolicy.maxMaxDelayMs else {
            throw .invalidArgument(
                "retries.max_delay_ms must be at most \(RetryPolicy.maxMaxDelayMs), got "
                    + "\(maxDelayMs)", field: "retries")
        }
        guard baseDelayMs <= maxDelayMs else {
            throw .invalidArgument(
                "retries.base_delay_ms (\(baseDelayMs)) must not exceed retries.max_delay_ms "
                    + "(\(maxDelayMs))", field: "retries")
        }
    }
}
