import CCurl

/// A checked `proxy` setting (issue 12, item 3): parsed once at `*_client_new`, so that a
/// malformed one is an `invalid_argument` there — with its password masked — and not a libcurl
/// error quoting the whole URL, password included, on every call.
public struct ProxySetting: Sendable {
    public static let schemes = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]
    /// The URL handed to libcurl (a bare `host:port` gets `http://`).
    public let url: String
    public let scheme: String
    public let host: String
    /// The password, decoded, and base64 of `user:password` (what Proxy-Authorization carries).
    public let secrets: [String]

    public init(_ text: String) throws(SelloError) {
        let full = text.contains("://") ? text : "http://" + text
        // Control characters escaped: a CR printed raw would hide what is wrong.
        let shown = LogText.escape(Redactor(secrets: []).scrubURL(full))
        func bad(_ why: String) -> SelloError {
            SelloError(.invalidArgument, .badProxy, "proxy '\(shown)' \(why)", field: "proxy")
        }
        // A line break or a space at an end (a value read from a CRLF .env) is named.
        if let problem = ServiceURL.edgeProblem(text) { throw bad(problem) }
        guard !full.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw bad(
                "contains a space or a control character")
        }
        guard let handle = curl_url() else { throw .internal("curl_url() failed") }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, full, UInt32(CURLU_NON_SUPPORT_SCHEME)) == CURLUE_OK else {
            throw bad("is not a valid URL (scheme://[user:password@]host:port)")
        }
        func part(_ which: CURLUPart, decoded: Bool = false) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &value, decoded ? UInt32(CURLU_URLDECODE) : 0) == CURLUE_OK, let value
            else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        let scheme = (part(CURLUPART_SCHEME) ?? "").lowercased()
        guard ProxySetting.schemes.contains(scheme) else {
            throw bad("has the scheme '\(scheme)'; a proxy is one of \(ProxySetting.schemes.joined(separator: ", "))")
        }
        guard let host = part(CURLUPART_HOST), !host.isEmpty else { throw bad("has no host") }
        if let port = part(CURLUPART_PORT) {
            guard let number = Int(port), (1...65_535).contains(number) else { throw bad("has an invalid port") }
        }
        guard part(CURLUPART_QUERY) == nil, part(CURLUPART_FRAGMENT) == nil else {
            throw bad(
                "must not have a query or a fragment")
        }
        var secrets: [String] = []
        if let password = part(CURLUPART_PASSWORD, decoded: true), !password.isEmpty {
            guard password.count >= Redactor.minimumSecretLength else {
                throw SelloError(
                    .invalidArgument, .secretTooShort,
                    "the proxy password has fewer than \(Redactor.minimumSecretLength) characters: too "
                        + "short to be kept out of logs and messages",
                    field: "proxy")
            }
            let user = part(CURLUPART_USER, decoded: true) ?? ""
            secrets = [
                password, part(CURLUPART_PASSWORD) ?? password, Base64.encode(Array("\(user):\(password)".utf8)),
            ]
        }
        url = full
        self.scheme = scheme
        self.host = host.lowercased()
        self.secrets = secrets
    }

    public var isLoopback: Bool { ServiceURL.isLoopback(host) }
}
