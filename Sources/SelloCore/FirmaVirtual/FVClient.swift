import Synchronization

/// One request of a Firma Virtual operation, as the operation's builder describes it: the HTTP
/// request (JSON in and out, the bearer token unless the operation goes without one) and the
/// reader of its answer.
struct FVCall: Sendable {
    var http: HTTPRequest
    /// Reads the answer (its `message` and the whole object) into `data`; the message as it is
    /// when nil.
    var reader: (@Sendable (JSON, JSONObject, inout ReadFacts) throws(SelloError) -> JSON)?
    /// Whether a 2xx answer without `status` is a success all the same (`FVAnswer.read`).
    var acceptsWithoutStatus: (@Sendable (JSONObject) -> Bool)?
    /// The `data` of an HTTP 204 answer, for an operation whose success carries nothing
    /// (`FVAnswer.read`); nil: such an answer is unreadable.
    var noContentData: JSON?

    init(_ method: HTTPMethod, _ path: String, body: HTTPBody = .none, replay: ReplayPolicy) {
        http = HTTPRequest(method, path, replay: replay)
        http.headers = ["Accept: application/json"]
        http.body = body
        http.bearer = true
    }

    /// Sends the bearer token (every operation but login, CreateUserApp and the password reset).
    var authenticated: Bool {
        get { http.bearer }
        set { http.bearer = newValue }
    }
    var reportsProgress: Bool {
        get { http.reportsProgress }
        set { http.reportsProgress = newValue }
    }
    /// The request field a streamed file came from, named in `io` errors.
    var fileField: String? {
        get { http.fileField }
        set { http.fileField = newValue }
    }
    /// This request's own secrets (passwords in the body), besides the client's.
    var secrets: [String] {
        get { http.secrets }
        set { http.secrets = newValue }
    }
}

/// The Firma Virtual client (WSFV, seed 001): the 20 operations of API.md §7 and the life of the
/// bearer token they share.
public final class FVClient: OperationClient {
    public static let defaultBaseURL = "https://qa.firmavirtual.legal"
    /// "El peso máximo por archivo PDF a subir es de 50MB".
    public static let defaultMaxUploadBytes: Int64 = 52_428_800

    public let client: ServiceClient
    /// The account's login name (config `login`); `FVClient.login` is the operation.
    let loginName: String
    let password: String
    let maxUploadBytes: Int64
    let tokens = Locked(TokenState())
    /// Logins finished so far (successful or not). Read without the lock: a thread that finds
    /// it changed once it holds the lock knows a login ran while it waited.
    let finishedLogins = Atomic<Int>(0)

    /// The cached token and what the last login did. Logins happen with the lock held, so that
    /// threads needing a token at the same time share one login (and one failure).
    struct TokenState: Sendable {
        var current: FVToken?
        /// The error of the last login, when it failed; threads that waited for that login get
        /// it instead of trying again (a failed login is never repeated).
        var lastFailure: SelloError?
        /// The service's refusal of the configured login and password, which do not change:
        /// later calls fail at once instead of sending them again (CHILE_2026 §1.2: "Do not
        /// retry. Repeated failures may lock the account"). Only fv_login tries again, and a
        /// login that succeeds ends it.
        var refusal: SelloError?
    }

    public init(configText: UnsafePointer<CChar>?) throws(SelloError) {
        let config = try ClientConfig.parse(
            configText, environments: .fv,
            serviceKeys: ["login", "password", "max_upload_bytes"],
            requiredKeys: ["login", "password"])
        var maxUpload = FVClient.defaultMaxUploadBytes
        if let value = config.service["max_upload_bytes"] {
            guard let bytes = value.intValue, bytes > 0 else {
                throw .invalidArgument(
                    "max_upload_bytes must be a positive integer (bytes), got \(JSONWriter.string(value))",
                    field: "max_upload_bytes")
            }
            maxUpload = bytes
        }
        client = try ServiceClient(service: "fv", config: config, environments: .fv)
        loginName = config.serviceString("login") ?? ""
        password = config.serviceString("password") ?? ""
        maxUploadBytes = maxUpload
    }

    /// Reads a request into the operation's `FVCall` (method, path, body, replay policy, token,
    /// reader), checking it.
    typealias Build = @Sendable (FVClient, RequestObject, inout ReadFacts) throws(SelloError) -> FVCall

    /// An operation, declared once by its name and its builder: every Firma Virtual operation
    /// sends its call, with the client's tokens, and reads the service's envelope the same way.
    static func operation(_ name: String, _ build: @escaping Build) -> AnyOperation<FVClient> {
        AnyOperation(
            Operation(
                name,
                parse: { json, client, found throws(SelloError) in try build(client, json, &found) },
                build: { call, client in client.httpRequest(call) },
                read: { response, call, _, scope, found throws(SelloError) in
                    let (message, answer) = try FVAnswer.read(
                        response, redactor: scope.hooks.redactor,
                        authenticated: call.authenticated, found: &found,
                        acceptsWithoutStatus: call.acceptsWithoutStatus, noContentData: call.noContentData)
                    return try call.reader?(message, answer, &found) ?? message
                }))
    }

    /// The HTTP request of a call, with the client's password among its secrets.
    func httpRequest(_ call: FVCall) -> HTTPRequest {
        var request = call.http
        request.secrets.append(password)
        return request
    }
}
