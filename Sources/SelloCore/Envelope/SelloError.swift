/// The kinds of error of API.md §3. The raw values are the envelope's `error.kind`.
public enum ErrorKind: String, Sendable {
    case invalidArgument = "invalid_argument"
    case validation
    case auth
    case service
    case http
    case timeout
    case transport
    case `protocol`
    case io
    case `internal`
    /// The caller cancelled the call (`*_client_cancel`) before it finished.
    case cancelled
}

/// One error, as the envelope reports it. Every failure in the library ends as one of these.
public struct SelloError: Error, Sendable {
    public var kind: ErrorKind
    public var code: ErrorCode
    public var serviceCode: Int?
    public var message: String
    public var field: String?
    public var retryable: Bool
    /// Extra facts for the caller (retry_after_ms, a redacted sample of a bad answer, …).
    public var details: JSONObject?
    /// Every problem this error stands for, itself first, when a check found more than one
    /// (`withProblems`; `details.problems` shows them): a `Problems` that catches it keeps each.
    public internal(set) var problems: [SelloError] = []

    public init(
        _ kind: ErrorKind, _ code: ErrorCode, _ message: String, serviceCode: Int? = nil,
        field: String? = nil, retryable: Bool = false, details: JSONObject? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.serviceCode = serviceCode
        self.field = field
        self.retryable = retryable
        self.details = details
    }

    /// The caller's input is unusable (not JSON, wrong type, unknown field). Nothing was sent.
    public static func invalidArgument(_ message: String, field: String? = nil, code: ErrorCode = .invalidArgument)
        -> SelloError
    {
        SelloError(.invalidArgument, code, message, field: field)
    }

    public static func `internal`(_ message: String) -> SelloError {
        SelloError(.internal, .`internal`, message)
    }

    public var json: JSON {
        var object = JSONObject()
        object.append("kind", .string(kind.rawValue))
        object.append("code", .string(code.name))
        object.append("service_code", JSON(serviceCode))
        object.append("message", .string(message))
        object.append("field", JSON(field))
        object.append("retryable", .bool(retryable))
        if let details { object.append("details", .object(details)) }
        return .object(object)
    }
}

/// A non-fatal remark attached to a successful envelope (`warnings`).
public struct Warning: Error, Sendable, Equatable {
    public var kind: ErrorKind
    public var code: ErrorCode
    public var message: String
    public var field: String?

    public init(kind: ErrorKind, code: ErrorCode, message: String, field: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
    }

    public var json: JSON {
        var object: JSONObject = JSONObject([
            ("kind", .string(kind.rawValue)), ("code", .string(code.name)), ("message", .string(message)),
        ])
        if let field { object.append("field", .string(field)) }
        return .object(object)
    }

    /// `json`, written straight into `writer` without making the tree (issue 13: some 2,600
    /// instructions a FES call, which carries one warning; ReplyTests holds the bytes equal).
    func write(into writer: inout JSONWriter) {
        writer.writeRaw(#"{"kind":"#)
        writer.writeString(kind.rawValue)
        writer.writeRaw(#","code":"#)
        writer.writeString(code.name)
        writer.writeRaw(#","message":"#)
        writer.writeString(message)
        if let field {
            writer.writeRaw(#","field":"#)
            writer.writeString(field)
        }
        writer.writeRaw("}")
    }
}
