import CCurl

/// The retry policy of API.md §5: exponential backoff with jitter, `Retry-After` honoured.
public struct RetryPolicy: Sendable, Equatable {
    public var maxRetries = 2
    public var baseDelayMs = 200
    public var maxDelayMs = 5000

    /// The delay before retry number `retry` (1-based): base·2^(retry-1), capped, with "equal
    /// jitter" (between half and all of it) so that many clients do not retry in step.
    public func backoffMs(retry: Int) -> Int {
        let exponential = Double(baseDelayMs) * Double(1 << min(max(retry - 1, 0), 20))
        let capped = min(exponential, Double(maxDelayMs))
        // Int(Double) traps at 2^63: delays near Int.max in the configuration could crash.
        return Int(min(capped / 2 + Double.random(in: 0...(capped / 2)), 9.0e18))
    }
}

/// A client's configuration (API.md §5), validated once when the client is made.
public struct ClientConfig: Sendable {
    public var baseURL: String
    /// The `environment` the base URL comes from; nil when the configuration gave `base_url`.
    public var environment: String?
    /// `timeout_ms`: the whole call. The default is the service's (`parse`'s `defaultTimeoutMs`).
    public var timeoutMs = ClientConfig.defaultTimeoutMs
    public var connectTimeoutMs = 10_000
    public var caFile: String?
    /// The CA bundle to trust when `ca_file` is not set and this system has none where libcurl
    /// or the major distributions keep it (the Python binding passes certifi's).
    public var fallbackCaFile: String?
    public var proxy: String?
    public var userAgent = "sello/\(Sello.version)"
    public var maxResponseBytes = 104_857_600
    public var allowInsecureHTTP = false
    public var retry = RetryPolicy()
    /// The checked proxy, when one is configured.
    public var proxySetting: ProxySetting?
    /// Values that must never leave the library: the credentials, the proxy's password (and the
    /// forms they travel in). Every call of the client masks them (see `CallHooks`).
    public var secrets: [String] = []
    /// `allow_tls_key_log`: the caller accepts that libcurl writes TLS secrets to SSLKEYLOGFILE.
    public var allowTLSKeyLog = false
    /// The service's own settings: credentials and options such as `max_upload_bytes`.
    public var service: JSONObject

    /// The whole call's default, for services that do not set one of their own.
    public static let defaultTimeoutMs = 60_000

    static let commonKeys = [
        "base_url", "environment", "timeout_ms", "connect_timeout_ms", "ca_file", "proxy", "user_agent",
        "max_response_bytes", "allow_insecure_http", "retries", "fallback_ca_file", "allow_tls_key_log",
    ]

    /// Parses and checks a configuration. `serviceKeys` are the service's own members,
    /// `requiredKeys` those of them that must be present (credentials); `environments` the
    /// service's deployments, for `environment` (exclusive with `base_url`); `defaultTimeoutMs`
    /// the service's `timeout_ms` when the configuration does not give one.
    public static func parse(
        _ text: UnsafePointer<CChar>?, environments: ServiceEnvironments, serviceKeys: [String],
        requiredKeys: [String], defaultTimeoutMs: Int = ClientConfig.defaultTimeoutMs
    ) throws(SelloError) -> ClientConfig {
        let json = try RequestText.parse(text, what: "configuration")
        let reader = try FieldReader(json, allowed: commonKeys + serviceKeys, what: "configuration")
        let resolved = try environments.resolve(
            baseURL: try reader.string("base_url"), environment: try reader.string("environment"))
        var config = ClientConfig(baseURL: resolved.url, environment: resolved.environment, service: JSONObject())
        config.timeoutMs = try positive(reader, "timeout_ms") ?? defaultTimeoutMs
        config.connectTimeoutMs = try positive(reader, "connect_timeout_ms") ?? config.connectTimeoutMs
        config.maxResponseBytes = try positive(reader, "max_response_bytes") ?? config.maxResponseBytes
        config.caFile = try reader.string("ca_file")
        config.fallbackCaFile = try reader.string("fallback_ca_file")
        config.proxy = try reader.string("proxy")
        config.userAgent = try reader.string("user_agent") ?? config.userAgent
        config.allowInsecureHTTP = try reader.bool("allow_insecure_http") ?? false
        if let retries = try reader.objectMember("retries") {
            let retryReader = try FieldReader(
                retries, allowed: ["max", "base_delay_ms", "max_delay_ms"], what: "configuration")
            if let max = try retryReader.int("max", range: 0...10) {
                guard (0...10).contains(max) else {
                    throw .invalidArgument("retries.max must be between 0 and 10, got \(max)", field: "retries")
                }
                config.retry.maxRetries = max
            }
            config.retry.baseDelayMs =
                try nonNegative(retryReader, "base_delay_ms", max: RetryPolicy.maxBaseDelayMs)
                ?? config.retry.baseDelayMs
            config.retry.maxDelayMs =
                try nonNegative(retryReader, "max_delay_ms", max: RetryPolicy.maxMaxDelayMs) ?? config.retry.maxDelayMs
            try config.retry.check()
        }
        if let caFile = config.caFile, !FileSystem.isReadableFile(caFile) {
            throw SelloError(
                .invalidArgument, .caFileUnreadable,
                "ca_file '\(caFile)' cannot be read", field: "ca_file")
        }
        if let fallback = config.fallbackCaFile, !FileSystem.isReadableFile(fallback) {
            throw SelloError(
                .invalidArgument, .caFileUnreadable, "fallback_ca_file '\(fallback)' cannot be read",
                field: "fallback_ca_file")
        }
        try environments.refuseOperationPath(
            try ServiceURL(config.baseURL, allowInsecureHTTP: config.allowInsecureHTTP))
        for key in serviceKeys {
            if let value = reader.member(key) { config.service.append(key, value) }
        }
        for key in requiredKeys where (try reader.string(key) ?? "").isEmpty {
            throw .invalidArgument(
                "the configuration needs '\(key)' (a non-empty string)", field: key, code: .missingCredential)
        }
        try config.harden(reader, serviceKeys: serviceKeys, credentialKeys: requiredKeys)
        return config
    }

    private static func positive(_ reader: FieldReader, _ key: String) throws(SelloError) -> Int? {
        guard let value = try reader.int(key, range: 1...Int.max) else { return nil }
        guard value > 0 else { throw .invalidArgument("\(key) must be greater than 0, got \(value)", field: key) }
        return value
    }

    /// `max` is checked with the other delays (`RetryPolicy.check`), and said for a number no
    /// Int holds.
    private static func nonNegative(_ reader: FieldReader, _ key: String, max: Int) throws(SelloError) -> Int? {
        guard let value = try reader.int(key, range: 0...max) else { return nil }
        guard value >= 0 else {
            throw .invalidArgument(
                "retries.\(key) must not be negative, got \(value)", field: "retries")
        }
        return value
    }

    /// A service string setting (credentials are checked present by `parse`).
    public func serviceString(_ key: String) -> String? { service[key]?.stringValue }
}

/// A checked service URL: http or https, a host, and plain http only to loopback unless the
/// configuration allows it (API.md §5).
public struct ServiceURL: Sendable {
    public let text: String
    public let scheme: String
    public let host: String
    /// The path, as curl reads it ("/servicio/rest"; "/" for none).
    public let path: String

    public init(_ text: String, allowInsecureHTTP: Bool) throws(SelloError) {
        guard let handle = curl_url() else { throw .internal("curl_url() failed") }
        defer { curl_url_cleanup(handle) }
        // Messages show the URL without user:password@ or query: a refused URL may carry
        // credentials (test_secrets.py::test_base_url_credentials_are_never_echoed).
        // Control characters escaped: a CR printed raw would hide what is wrong.
        let shown = LogText.escape(Redactor(secrets: []).scrubURL(text))
        if let problem = ServiceURL.edgeProblem(text) {
            throw SelloError(.invalidArgument, .badUrl, "base_url '\(shown)' \(problem)", field: "base_url")
        }
        guard curl_url_set(handle, CURLUPART_URL, text, 0) == CURLUE_OK else {
            throw SelloError(.invalidArgument, .badUrl, "'\(shown)' is not a valid URL", field: "base_url")
        }
        func part(_ which: CURLUPart) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &value, 0) == CURLUE_OK, let value else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        let scheme = (part(CURLUPART_SCHEME) ?? "").lowercased()
        let host = (part(CURLUPART_HOST) ?? "").lowercased()
        guard scheme == "https" || scheme == "http" else {
            throw SelloError(
                .invalidArgument, .badUrl,
                "'\(shown)': only https:// (or http:// to loopback) is supported", field: "base_url")
        }
        guard !host.isEmpty else {
            throw SelloError(.invalidArgument, .badUrl, "'\(shown)' has no host", field: "base_url")
        }
        // A query or a fragment would end up in the middle of every request's path (issue 12,
        // item 16), and may hold a secret: refused, without repeating it.
        if text.contains("?") || text.contains("#") {
            throw SelloError(
                .invalidArgument, .badUrl,
                "base_url '\(shown)' must not have a query (?…) or a fragment (#…)", field: "base_url")
        }
        if part(CURLUPART_USER) != nil {
            throw SelloError(
                .invalidArgument, .badUrl,
                "base_url must not carry credentials; put them in the configuration", field: "base_url")
        }
        if scheme == "http" && !allowInsecureHTTP && !ServiceURL.isLoopback(host) {
            throw SelloError(
                .invalidArgument, .insecureHttp,
                "http:// to '\(host)' would send credentials in clear text; use https://, or set "
                    + "allow_insecure_http to true",
                field: "base_url")
        }
        self.text = text.hasSuffix("/") ? String(text.dropLast()) : text
        self.scheme = scheme
        self.host = host
        self.path = part(CURLUPART_PATH) ?? ""
    }

    /// What is wrong with a URL read from a file or pasted with what surrounds it: a line break
    /// at its end (a .env with CRLF line ends), spaces at its ends, a control character inside.
    /// Nil when none: curl_url_set would only say "not a valid URL", and the character is invisible.
    static func edgeProblem(_ text: String) -> String? {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return nil }
        func name(_ scalar: Unicode.Scalar) -> String? {
            switch scalar {
            case " ": "a space"
            case "\t": "a tab"
            case "\r", "\n": "a line break (\(ClientConfig.controlName(scalar)))"
            default: scalar.properties.isWhitespace ? "a space (U+\(LogText.hex(scalar.value, digits: 4)))" : nil
            }
        }
        if let names = ClientConfig.trailingLineBreak(text) {
            return "ends with a line break (\(names)): was it read from a file with CRLF "
                + "line ends (a .env written on Windows)? strip it"
        }
        if let what = name(last) { return "ends with \(what): remove it" }
        if let what = name(first) { return "begins with \(what): remove it" }
        if let control = scalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "contains a control character (\(ClientConfig.controlName(control))): remove it"
        }
        return nil
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "[::1]" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { UInt8($0) != nil }
    }
}
