/// The life of the bearer token the Firma Virtual operations share: cached per client, one login
/// for the threads that need a token at the same time (and one failure: a failed login is never
/// repeated), renewed ahead of expiry and when the service refuses it.
extension FVClient: BearerTokens {
    /// A token fit for use: the cached one while it is fresh, else a new login. `stale` is a
    /// token the service just refused: a different fresh one (another thread's login) is used
    /// instead, else a new login is made. What the login sent is added to `facts`.
    public func token(scope: CallScope, replacing stale: BearerToken?, facts: inout CallFacts) throws(SelloError)
        -> BearerToken
    {
        // Log lines of a login made under the lock reach the caller once it is released: a log
        // callback may call back into this client (issue 12, item 1).
        try scope.hooks.holdingCallbacks { () throws(SelloError) -> BearerToken in
            let token = try tokenLocked(scope: scope, replacing: stale, facts: &facts)
            return BearerToken(value: token.value, generation: token.generation)
        }
    }

    private func tokenLocked(scope: CallScope, replacing stale: BearerToken?, facts: inout CallFacts) throws(SelloError)
        -> FVToken
    {
        let seen = stale?.generation ?? finishedLogins.load(ordering: .acquiring)
        return try tokens.withLock { state throws(SelloError) -> FVToken in
            if let current = state.current, current.isFresh(now: FVToken.now()), current.generation != stale?.generation
            {
                return current
            }
            if finishedLogins.load(ordering: .acquiring) != seen, let failure = state.lastFailure {
                throw failure // a login made while this call waited failed: not tried again
            }
            if let refusal = state.refusal {
                scope.hooks.log(.warning, "fv: the login of '\(loginName)' was refused earlier; not logging in again")
                throw FVClient.refusedEarlier(refusal)
            }
            if stale == nil, state.current != nil {
                scope.hooks.log(
                    .info,
                    "fv: the token is due for renewal (its exp is within a minute, or, without exp, it is "
                        + "24 h old); logging in again")
            }
            return try self.logInLocked(&state, scope: scope, facts: &facts)
        }
    }

    /// Forgets `token` when it is still the cached one: the next call logs in again.
    public func discard(_ token: BearerToken) {
        tokens.withLock { state in
            if state.current?.generation == token.generation { state.current = nil }
        }
    }

    /// Logs in with the lock held and records the outcome for the threads waiting on it.
    func logInLocked(
        _ state: inout TokenState, scope: CallScope, facts: inout CallFacts,
        reportsServiceCode: Bool = false
    ) throws(SelloError) -> FVToken {
        defer { finishedLogins.add(1, ordering: .releasing) }
        var refused = false
        do throws(SelloError) {
            let token = try logIn(
                scope: scope, facts: &facts, reportsServiceCode: reportsServiceCode, refused: &refused)
            state.current = token
            state.lastFailure = nil
            state.refusal = nil
            return token
        } catch {
            state.current = nil
            state.lastFailure = error
            if refused { state.refusal = error }
            throw error
        }
    }

    /// The error of a call that did not log in because the service had refused the login:
    /// the refusal's kind, code and service code, and what to do.
    static func refusedEarlier(_ refusal: SelloError) -> SelloError {
        SelloError(
            refusal.kind, refusal.code,
            "\(refusal.message) — refused earlier, so no new login was attempted (the login and password "
                + "have not changed, and repeated failures may lock the account): create a new client with "
                + "the right password, or call fv_login to try again",
            serviceCode: refusal.serviceCode)
    }

    /// Whether a login's error is the service refusing the credentials: one of the catalogue's
    /// texts about the login and password ("Login failed: Email or password incorrect.", seed 001
    /// and CHILE_2026 §1.2 at HTTP 400; "Wrong login or password ..!") at 200 or 400, or the login
    /// answered 401 or 403, whatever its text: the credentials are all it checks, and repeated
    /// failures may lock the account (unknown for Firma Virtual: the safer reading). Anything else
    /// (a 404 from a wrong base_url, a maintenance message) says nothing about the password, and
    /// keeping it would stop the client for good.
    static func refusesCredentials(_ error: SelloError, status: Int) -> Bool {
        status == 401 || status == 403
            || ([200, 400].contains(status) && (error.code == .loginFailed || error.code == .wrongCode))
    }

    /// The error of a login whose answer was read as a failure (`error`, kind `service` or `auth`),
    /// for what it is: the credentials refused (`auth` LOGIN_FAILED, `refused` set); HTTP 404, a
    /// wrong base_url; any other `auth` error (a text naming a refused token) `auth` LOGIN_FAILED;
    /// else the service's own error.
    func loginError(_ error: SelloError, status: Int, refused: inout Bool) -> SelloError {
        refused = FVClient.refusesCredentials(error, status: status)
        if refused || (error.kind == .auth && status != 404) {
            let note = refused ? "" : " (not its documented refusal of the password: the next call logs in again)"
            return SelloError(
                .auth, .loginFailed, "Firma Virtual refused the login of '\(loginName)': \(error.message)\(note)",
                serviceCode: error.serviceCode)
        }
        if status == 404 {
            return SelloError(
                .http, .httpStatus(404),
                "Firma Virtual answered the login (POST /logindata) with HTTP 404 (\(error.message)): check "
                    + "base_url, which must be the service's root (such as \(FVClient.defaultBaseURL)) without "
                    + "a path; the library adds /logindata and each operation's path to it",
                serviceCode: error.serviceCode, field: "base_url")
        }
        return SelloError(
            error.kind, error.code, "Firma Virtual did not log in '\(loginName)': \(error.message)",
            serviceCode: error.serviceCode, retryable: error.retryable, details: error.details)
    }

    /// UserDataLogin: POST /logindata with the configured login. A refusal of the credentials is
    /// kind `auth`, code LOGIN_FAILED, and is never repeated (`loginError` says what else may
    /// come). The login's requests count for the call; its body `code` only for fv_login itself.
    /// `refused` is set when the service refused the credentials (`refusesCredentials`).
    func logIn(scope: CallScope, facts: inout CallFacts, reportsServiceCode: Bool, refused: inout Bool)
        throws(SelloError) -> FVToken
    {
        scope.hooks.log(.info, "fv: logging in as '\(loginName)'")
        var request = HTTPRequest(.post, FVPath.logindata, replay: .idempotent)
        request.headers = ["Accept: application/json"]
        request.body = .bytes(
            JSONWriter.encode(["login": .string(loginName), "password": .string(password)]),
            contentType: "application/json")
        request.secrets = [password]
        let exchange = client.transport.perform(request, scope: scope)
        facts.add(exchange)
        var found = ReadFacts()
        defer {
            facts.warnings += found.warnings
            if reportsServiceCode, let code = found.serviceCode { facts.serviceCode = code }
        }
        let answer: JSONObject
        let response = try exchange.response.get()
        do throws(SelloError) {
            // Read with the client's own secrets only: the call's include tokens, and the new one
            // may well be written as an earlier one was. An answer without `status` that carries a
            // token where CHILE_2026 §1.2 looks for one (a top-level Authorization, token or jwt:
            // TTX's and GT's fallbacks) is a login, with a STATUS_MISSING warning.
            answer = try FVAnswer.read(
                response, redactor: client.redactor, authenticated: false, found: &found,
                acceptsWithoutStatus: { FVToken.bearer(in: $0) != nil }
            ).answer
        } catch {
            guard error.kind == .service || error.kind == .auth else { throw error }
            throw loginError(error, status: response.status, refused: &refused)
        }
        guard let value = FVToken.bearer(in: answer) else {
            throw SelloError(
                .protocol, .tokenMissing,
                "Firma Virtual accepted the login but its answer carries no readable bearer token "
                    + "(message.Authorization, message, Authorization, token, jwt or message.token: a JWT, "
                    + "\"Bearer <token>\", or an opaque token of 16 characters or more under a token key)")
        }
        let token = FVToken(value: value, generation: finishedLogins.load(ordering: .acquiring) + 1)
        if token.lifetimeInvalid {
            found.warn(
                Warning(
                    kind: .protocol, code: .tokenLifetimeInvalid,
                    message: "the login's token gives a lifetime that makes no sense (exp/iat out of range "
                        + "or exp before iat); it is used for this call and a new login is made for the next"))
        }
        return token
    }

    /// fv_login: logs in now (replacing the cached token) and says until when the token is good.
    public static let login = AnyOperation(
        Operation<FVClient, Void>(
            "login",
            parse: { json, _, _ throws(SelloError) in _ = try FieldReader(json, allowed: []) },
            custom: { _, client, scope, facts throws(SelloError) in
                let token = try scope.hooks.holdingCallbacks { () throws(SelloError) -> FVToken in
                    try client.tokens.withLock { state throws(SelloError) -> FVToken in
                        try client.logInLocked(&state, scope: scope, facts: &facts, reportsServiceCode: true)
                    }
                }
                return ["authorized": true, "expires_at": JSON(token.expiresAt.map(FVToken.isoDate))]
            }))

    /// The tokens every exchange of this client takes.
    public var bearerTokens: BearerTokens? { self }
}
