/// What to say when a request's query string is too long: over the library's limit before it is
/// sent (URL_TOO_LONG) or refused by the service's server (HTTP 414). Prodigia's procesarArchivo
/// and both cancellation families carry the caller's values in the query (seed 002,
/// PRODIGIA_2026.md §2.2, §4.2); what helps depends on the operation (audit of 2026-12-08: a
/// cancellation's 414 sent the caller to two stamping operations, neither of which cancels).
public struct LongQuery: Sendable {
    /// Each query parameter that carries a request field, and that field as the caller gave it
    /// ("arregloUUID" → "uuids", "datos" → "datos_path").
    public let fields: [String: String]
    /// What helps, for this operation: a sentence.
    public let remedy: String

    public init(fields: [String: String], remedy: String) {
        self.fields = fields
        self.remedy = remedy
    }

    /// Said when nothing better is known.
    static let remedyUnknown = "Send fewer values at a time"

    /// The request field whose values make up most of `query`, nil when none is a request field.
    func field(of query: [(name: String, value: String)]) -> String? {
        var bytes: [String: Int] = [:]
        for item in query {
            guard let field = fields[item.name] else { continue }
            bytes[field, default: 0] += item.value.utf8.count
        }
        return bytes.max { $0.value < $1.value }?.key
    }
}

/// A request's `LongQuery` said for its query: the field and the remedy.
public struct LongQueryAdvice: Sendable {
    public let field: String?
    public let remedy: String

    init(_ request: HTTPRequest) {
        field = request.longQuery?.field(of: request.query)
        remedy = request.longQuery?.remedy ?? LongQuery.remedyUnknown
    }
}
