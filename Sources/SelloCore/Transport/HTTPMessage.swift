/// Whether a request may be sent again after it may have reached the service (API.md §5).
public enum ReplayPolicy: Sendable {
    /// Reads, or writes that are harmless to repeat: retried on any transient failure.
    case idempotent
    /// Costs money or quota (a certificate, a stamp, a contract): retried only when it certainly
    /// did not reach the service (connection refused, DNS, 429, 503 with Retry-After).
    case onlyIfNotSent(consequence: String)
}

public enum HTTPMethod: String, Sendable { case get = "GET", post = "POST", put = "PUT" }

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
    public init(user: String, password: String) { self.user = user; self.password = password }

    /// HTTP Basic sends `user:password`: a user name with a colon would move part of it into the
    /// password (and a failed login counts toward the service's lock-out) — issue 12, item 15.
    public static func checkUser(_ user: String, field: String) throws(SelloError) {
        guard !user.contains(":") else {
            throw .invalidArgument("'\(field)' must not contain ':' (HTTP Basic authentication separates the user from the password with it)",
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
    public var replay: ReplayPolicy
    /// Report upload progress to the caller's progress callback.
    public var reportsProgress = false
    /// Values that must never appear in a log line or an error message.
    public var secrets: [String] = []

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
}
