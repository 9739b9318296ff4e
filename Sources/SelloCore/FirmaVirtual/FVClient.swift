import Synchronization

/// One request of a Firma Virtual operation, as the operation's builder describes it.
struct FVCall {
    var method: HTTPMethod
    var path: String
    var body: HTTPBody
    var replay: ReplayPolicy
    /// Sends the bearer token (every operation but login, CreateUserApp and the password reset).
    var authenticated = true
    var reportsProgress = false
    /// This request's own secrets (passwords in the body), besides the client's.
    var secrets: [String] = []
    /// Reads the answer's `message` into `data` (FVReaders); the message as it is when nil.
    var reader: ((JSON) -> JSON)?

    init(_ method: HTTPMethod, _ path: String, body: HTTPBody = .none, replay: ReplayPolicy) {
        self.method = method
        self.path = path
        self.body = body
        self.replay = replay
    }
}

/// The Firma Virtual client (WSFV, seed 001): the 20 operations of API.md §7 and the life of the
/// bearer token they share.
public final class FVClient: Sendable {
    public static let defaultBaseURL = "https://qa.firmavirtual.legal"
    /// "El peso máximo por archivo PDF a subir es de 50MB".
    public static let defaultMaxUploadBytes: Int64 = 52_428_800

    public let client: ServiceClient
    let login: String
    let password: String
    let maxUploadBytes: Int64
    let tokens = Mutex(TokenState())
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
    }

    public init(configText: UnsafePointer<CChar>?) throws(SelloError) {
        let config = try ClientConfig.parse(configText, environments: .fv,
                                            serviceKeys: ["login", "password", "max_upload_bytes"],
                                            requiredKeys: ["login", "password"])
        var maxUpload = FVClient.defaultMaxUploadBytes
        if let value = config.service["max_upload_bytes"] {
            guard let bytes = value.intValue, bytes > 0 else {
                throw .invalidArgument("max_upload_bytes must be a positive integer (bytes), got \(JSONWriter.string(value))",
                                       field: "max_upload_bytes")
            }
            maxUpload = bytes
        }
        client = try ServiceClient(service: "fv", config: config)
        login = config.serviceString("login") ?? ""
        password = config.serviceString("password") ?? ""
        maxUploadBytes = maxUpload
    }

    /// Runs one operation: builds its request (validating it), sends it with the token and
    /// returns the envelope.
    func run(_ operation: String, _ requestText: UnsafePointer<CChar>?,
             _ build: (JSON, CallContext) throws(SelloError) -> FVCall) -> JSON {
        client.call(operation, requestText) { json, context throws(SelloError) in
            let call = try build(json, context)
            let message = try self.send(call, context: context)
            return call.reader?(message) ?? message
        }
    }

    /// Sends `call`; when the service refuses the token, logs in again once and repeats the
    /// call once (the service did not act on it). Returns the answer's `message`.
    func send(_ call: FVCall, context: CallContext) throws(SelloError) -> JSON {
        try sendReading(call, context: context).message
    }

    /// As `send`, with the whole answer object besides its `message`.
    func sendReading(_ call: FVCall, context: CallContext) throws(SelloError) -> (message: JSON, answer: JSONObject) {
        guard call.authenticated else {
            return try exchange(call, token: nil, context: context).get()
        }
        var token = try self.token(context: context, replacing: nil)
        var outcome = try exchange(call, token: token, context: context)
        if case .failure(let error, refusesToken: true) = outcome {
            context.hooks.log(.info, "fv: the service refused the token (\(error.code)); logging in again and repeating the request once")
            token = try self.token(context: context, replacing: token)
            outcome = try exchange(call, token: token, context: context)
        }
        return try outcome.get()
    }

    /// One HTTP exchange and its reading.
    func exchange(_ call: FVCall, token: FVToken?, context: CallContext) throws(SelloError) -> FVAnswer.Outcome {
        var request = HTTPRequest(call.method, call.path, replay: call.replay)
        request.headers = ["Accept: application/json"]
        if let token { request.headers.append("Authorization: Bearer \(token.value)") }
        request.body = call.body
        request.reportsProgress = call.reportsProgress
        request.secrets = call.secrets + [password] + (token.map { [$0.value] } ?? [])
        let response = try client.transport.perform(request, context: context)
        return FVAnswer.read(response, context: context, secrets: request.secrets, authenticated: token != nil)
    }

    // MARK: - The token

    /// A token fit for use: the cached one while it is fresh, else a new login. `stale` is a
    /// token the service just refused: a different fresh one (another thread's login) is used
    /// instead, else a new login is made.
    func token(context: CallContext, replacing stale: FVToken?) throws(SelloError) -> FVToken {
        // Log lines of a login made under the lock reach the caller once it is released: a log
        // callback may call back into this client (issue 12, item 1).
        try context.hooks.holdingCallbacks { () throws(SelloError) -> FVToken in
            try tokenLocked(context: context, replacing: stale)
        }
    }

    private func tokenLocked(context: CallContext, replacing stale: FVToken?) throws(SelloError) -> FVToken {
        let seen = stale?.generation ?? finishedLogins.load(ordering: .acquiring)
        return try tokens.withLock { state throws(SelloError) -> FVToken in
            if let current = state.current, current.isFresh(now: FVToken.now()), current.generation != stale?.generation {
                return current
            }
            if finishedLogins.load(ordering: .acquiring) != seen, let failure = state.lastFailure {
                throw failure // a login made while this call waited failed: not tried again
            }
            if stale == nil, state.current != nil {
                context.hooks.log(.info, "fv: the token expires within a minute; logging in again")
            }
            return try self.logInLocked(&state, context: context, reportsServiceCode: false)
        }
    }

    /// Logs in with the lock held and records the outcome for the threads waiting on it.
    func logInLocked(_ state: inout TokenState, context: CallContext, reportsServiceCode: Bool) throws(SelloError) -> FVToken {
        defer { finishedLogins.add(1, ordering: .releasing) }
        do throws(SelloError) {
            let generation = finishedLogins.load(ordering: .acquiring) + 1
            let token = try logIn(context: context, generation: generation, reportsServiceCode: reportsServiceCode)
            state.current = token
            state.lastFailure = nil
            return token
        } catch {
            state.current = nil
            state.lastFailure = error
            throw error
        }
    }

    /// UserDataLogin: POST /logindata with the configured login. Every refusal is kind `auth`,
    /// code LOGIN_FAILED, and is never repeated.
    func logIn(context: CallContext, generation: Int, reportsServiceCode: Bool) throws(SelloError) -> FVToken {
        context.hooks.log(.info, "fv: logging in as '\(login)'")
        var request = HTTPRequest(.post, "/logindata", replay: .idempotent)
        request.headers = ["Accept: application/json"]
        request.body = .bytes(JSONWriter.encode(["login": .string(login), "password": .string(password)]),
                              contentType: "application/json")
        request.secrets = [password]
        let response = try client.transport.perform(request, context: context)
        let previousCode = context.serviceStatus
        let outcome = FVAnswer.read(response, context: context, secrets: request.secrets, authenticated: false)
        if !reportsServiceCode { context.serviceStatus = previousCode }
        switch outcome {
        case .failure(let error, _):
            guard error.kind == .service || error.kind == .auth else { throw error }
            throw SelloError(.auth, "LOGIN_FAILED", "Firma Virtual refused the login of '\(login)': \(error.message)",
                             serviceCode: error.serviceCode)
        case .success(let message, _):
            guard let value = FVToken.bearer(from: message) else {
                throw SelloError(.protocol, "TOKEN_MISSING",
                                 "Firma Virtual accepted the login but its answer carries no readable bearer token (message.Authorization)")
            }
            let token = FVToken(value: value, generation: generation)
            if token.lifetimeInvalid {
                context.warn(Warning(kind: "protocol", code: "TOKEN_LIFETIME_INVALID",
                                     message: "the login's token gives a lifetime that makes no sense (exp/iat out of range or exp before iat); it is used for this call and a new login is made for the next"))
            }
            return token
        }
    }

    /// fv_login: logs in now (replacing the cached token) and says until when the token is good.
    public func logIn(_ requestText: UnsafePointer<CChar>?) -> JSON {
        client.call("login", requestText) { json, context throws(SelloError) in
            _ = try FieldReader(json, allowed: [])
            let token = try context.hooks.holdingCallbacks { () throws(SelloError) -> FVToken in
                try tokens.withLock { state throws(SelloError) -> FVToken in
                    try self.logInLocked(&state, context: context, reportsServiceCode: true)
                }
            }
            return ["authorized": true, "expires_at": JSON(token.expiresAt.map(FVToken.isoDate))]
        }
    }
}

extension FVAnswer.Outcome {
    func get() throws(SelloError) -> (message: JSON, answer: JSONObject) {
        switch self {
        case .success(let data, let answer): return (data, answer)
        case .failure(let error, _): throw error
        }
    }
}
