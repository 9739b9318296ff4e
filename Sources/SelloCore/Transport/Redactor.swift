/// Keeps secrets out of log lines and error messages: the known secret values of a call are
/// replaced by `***`, secret-named parameters are masked, and long values are elided.
public struct Redactor: Sendable {
    /// Parameter and member names whose values are always secret.
    public static let secretNames: Set<String> = [
        "clave", "claveCertificado", "password", "new_password", "sPassword", "keyPass", "keyBase64", "key",
        "Authorization", "authorization", "token", "passwd",
    ]
    let secrets: [String]

    public init(secrets: [String]) {
        // Very short values would mask innocent text; they cannot be scrubbed meaningfully.
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    public func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        if let range = result.firstRange(of: "Bearer ") {
            result = String(result[..<range.upperBound]) + "***"
        }
        return result
    }

    public func scrubQuery(_ query: [(name: String, value: String)]) -> String {
        guard !query.isEmpty else { return "" }
        let items = query.map { item -> String in
            if Redactor.secretNames.contains(item.name) { return "\(item.name)=***" }
            if item.value.utf8.count > 48 { return "\(item.name)=<\(item.value.utf8.count) chars>" }
            return "\(item.name)=\(scrub(item.value))"
        }
        return "?" + items.joined(separator: "&")
    }

    /// A URL from an answer (a redirect target) with any query and userinfo removed.
    public func scrubURL(_ url: String) -> String {
        var text = url
        if let query = text.firstIndex(of: "?") { text = String(text[..<query]) + "?…" }
        if let scheme = text.firstRange(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            text = String(text[..<scheme.upperBound]) + "***@" + String(text[text.index(after: at)...])
        }
        return scrub(text)
    }

    /// A short printable sample of an answer that could not be read, for `protocol` errors:
    /// at most 120 characters, control bytes shown as `?`, secrets scrubbed.
    public func sample(_ bytes: [UInt8]) -> String {
        let prefix = bytes.prefix(120)
        var text = String(decoding: prefix.map { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
        text = text.replacing("\n", with: " ")
        if bytes.count > 120 { text += "…" }
        return scrub(text)
    }
}
