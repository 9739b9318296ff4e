/// Whether a request may be sent again after it may have reached the service (API.md §5).
public enum ReplayPolicy: Sendable {
    /// Reads, or writes that are harmless to repeat: retried on any transient failure.
    case idempotent
    /// Costs money or quota (a certificate, a stamp, a contract): retried only when it certainly
    /// did not reach the service (connection refused, DNS, 429, 503 with Retry-After). `advice`:
    /// how the caller finds out whether it acted, the operation's own where one of the library's
    /// reads tells (a cancellation: cfdi_get_status), said after a failure and a cancelled call.
    case onlyIfNotSent(consequence: String, advice: String = ReplayPolicy.askTheProvider)
    /// Costs money like `onlyIfNotSent`, so the library never sends it twice; but the service
    /// recognises the very same request and answers it with what it did the first time (a sealed
    /// CFDI 4.0: codigo 307 and the earlier stamp), so the caller may send it again as it is:
    /// after a failure that may have reached the service the error is `retryable`, with `advice`.
    case callerMayRepeat(consequence: String, advice: String)

    /// The advice when no read of the library's tells whether the request acted.
    public static let askTheProvider = "check with the provider before trying again"

    /// Whether the caller may send the very same request again after it may have reached the
    /// service (the library itself repeats only `idempotent` requests).
    public var callerMayRepeat: Bool {
        switch self {
        case .idempotent, .callerMayRepeat: return true
        case .onlyIfNotSent: return false
        }
    }

    /// What to tell the caller about a request that may have reached the service and was not
    /// sent again; nil when it only reads.
    public var afterPossibleArrival: String? {
        switch self {
        case .idempotent: return nil
        case .onlyIfNotSent(let consequence, let advice):
            return "the request may have reached the service (\(consequence)), so it was not sent again: \(advice)"
        case .callerMayRepeat(let consequence, let advice):
            return "the request may have reached the service (\(consequence)), so it was not sent again: \(advice)"
        }
    }

    /// `error`, which came after the request may have reached the service, as the caller must see
    /// it: ending with `afterPossibleArrival` and retryable only when the caller may repeat the
    /// request; unchanged for a request that only reads.
    public func mayHaveArrived(_ error: SelloError) -> SelloError {
        guard let note = afterPossibleArrival else { return error }
        var error = error
        error.message += "; \(note)"
        error.retryable = callerMayRepeat
        return error
    }
}

public enum HTTPMethod: String, Sendable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
}

public enum HTTPBody: Sendable {
    case none
    case bytes([UInt8], contentType: String)
    /// A multipart/form-data upload of one file part, streamed from disk (never read whole).
    case multipartFile(field: String, fileName: String, path: String, contentType: String)
    /// A multipart/form-data upload of bytes already in memory.
    case multipartBytes(field: String, fileName: String, bytes: [UInt8], contentType: String)
    /// `prefix`, a file's bytes in base64, `suffix`: a JSON body carrying a file inline, encoded
    /// while it is sent (never held whole), with an exact Content-Length (Base64FileBody).
    case base64File(prefix: [UInt8], path: String, suffix: [UInt8], contentType: String)
}

public struct BasicCredentials: Sendable {
    public let user: String
    public let password: String
    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// HTTP Basic sends `user:password`: a user name with a colon would move part of it into the
    /// password (and a failed login counts toward the service's lock-out) — issue 12, item 15.
    public static func checkUser(_ user: String, field: String) throws(SelloError) {
        guard !user.contains(":") else {
            throw .invalidArgument(
                "'\(field)' must not contain ':' (HTTP Basic authentication separates the user "
                    + "from the password with it)",
                field: field)
        }
    }
}

public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var path: String
    /// Query parameters in order; a name may repeat (Prodigia's list parameters).
    public var query: [(name: String, value: String)] = []
    public var headers: [String] = []
    public var body: HTTPBody = .none
    public var basicAuth: BasicCredentials?
    /// Sends the client's bearer token (`Authorization: Bearer …`, added by the pipeline).
    public var bearer = false
    public var replay: ReplayPolicy
    /// Report upload progress to the caller's progress callback.
    public var reportsProgress = false
    /// Values that must never appear in a log line or an error message.
    public var secrets: [String] = []
    /// The request field a streamed file came from (`file_path`), named in `io` errors.
    public var fileField: String?
    /// What to say when the query string is too long (URL_TOO_LONG, HTTP 414): which request
    /// field each query parameter carries, and what helps for this operation.
    public var longQuery: LongQuery?

    public init(_ method: HTTPMethod, _ path: String, replay: ReplayPolicy) {
        self.method = method
        self.path = path
        self.replay = replay
    }

    public var isIdempotent: Bool {
        if case .idempotent = replay { return true }
        return false
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    public let contentType: String?
    public let body: [UInt8]
    /// The replay policy of the request this answers: an answer that cannot be read reached the
    /// service all the same, and the policy says what that may have cost (`AnswerFormat`).
    public let replay: ReplayPolicy
    /// The request this answers, for errors that must say where it went (an HTTP 404: a base_url
    /// with a path too many or too few): its method, the client's base URL and the request's path,
    /// never its query string (values, perhaps secret). Kept apart, joined only by `requested`.
    public let method: HTTPMethod
    let base: String
    let path: String
    /// For an HTTP 414: the request field that made the query string long, and what helps.
    let tooLong: LongQueryAdvice?

    public init(
        status: Int, contentType: String?, body: [UInt8], replay: ReplayPolicy = .idempotent,
        method: HTTPMethod = .get, base: String = "", path: String = "", tooLong: LongQueryAdvice? = nil
    ) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.replay = replay
        self.method = method
        self.base = base
        self.path = path
        self.tooLong = tooLong
    }

    /// "POST https://host/base/path": the request without its query string.
    public var requested: String { "\(method.rawValue) \(base)\(path)" }
}

/// What the transport did for one request, however it ended: the answer (or the error it ended
/// with), the requests that reached the wire, the last HTTP status seen. The transport returns
/// these facts; the pipeline adds them to the call's.
public struct Exchange: Sendable {
    public var response: Result<HTTPResponse, SelloError>
    public var attempts = 0
    public var httpStatus: Int?

    public init(_ response: Result<HTTPResponse, SelloError>, attempts: Int = 0, httpStatus: Int? = nil) {
        self.response = response
        self.attempts = attempts
        self.httpStatus = httpStatus
    }
}
