#if canImport(Glibc)
import Glibc
#endif

/// A bearer token, and which login made it (two logins may well give the same text).
public struct BearerToken: Sendable {
    public let value: String
    public let generation: Int
}

/// A service's bearer tokens (Firma Virtual): one fit for use, or a new one instead of `stale`,
/// the service having refused it. What obtaining it sent is added to the call's facts.
public protocol BearerTokens: AnyObject, Sendable {
    func token(scope: CallScope, replacing stale: BearerToken?, facts: inout CallFacts) throws(SelloError)
        -> BearerToken
    /// `token` may have been refused, and the request it went with was not repeated: the next
    /// `token` call gets a new one (unless another login has replaced it already).
    func discard(_ token: BearerToken)
}

/// What every service client has: its configuration, its transport, the caller's callbacks, the
/// calls in flight (for `*_client_cancel`) — and the one pipeline every operation runs through.
public final class ServiceClient: Sendable {
    public let service: String
    public let config: ClientConfig
    public let transport: HTTPTransport
    public let hooks = ClientHooks()
    let calls = CallRegistry()
    /// The client's secrets (credentials, proxy password) with their encoded forms, prepared
    /// once: every call starts from it (issue 12, items 5 and 6).
    let redactor: Redactor
    /// Where the credentials go, said when the service refuses them (`Reply`); made once.
    let credentialsNote: String

    public init(service: String, config: ClientConfig, environments: ServiceEnvironments) throws(SelloError) {
        self.service = service
        self.config = config
        redactor = Redactor(secrets: config.secrets)
        transport = try HTTPTransport(config: config)
        credentialsNote = environments.credentialsNote(
            host: transport.settings.base.host, environment: config.environment)
    }

    /// Runs `operation` on `client` for the caller's request text and returns its envelope:
    /// parse (call_id taken out) → credentials or token → perform → read → envelope. The one
    /// place where a call's scope is made, its facts gathered and every error turned into an
    /// envelope. The call can be cancelled from its registration to its return.
    public func run<Client, Request>(
        _ operation: Operation<Client, Request>, on client: Client,
        _ requestText: UnsafePointer<CChar>?, tokens: BearerTokens? = nil
    ) -> Reply {
        let parsed = Result { () throws(SelloError) in try CallID.split(try RequestText.read(requestText)) }
        let token = CancelToken(callID: (try? parsed.get())?.callID)
        let key = calls.register(token)
        defer { calls.unregister(key) }
        let scope = CallScope(
            service: service, operation: operation.name, hooks: hooks.forCall(redactor: redactor), cancel: token,
            credentialsNote: credentialsNote)
        // A call's first line names where it goes, before anything can fail or be sent.
        scope.hooks.log(
            .info,
            "\(service).\(operation.name) → \(transport.baseURL) "
                + "(\(config.environment.map { "environment \($0)" } ?? "base_url"))")
        var facts = CallFacts()
        do {
            var found = ReadFacts()
            let request = try operation.parse(try parsed.get().request, client, &found)
            facts.warnings += found.warnings
            let data = try perform(operation, request, client, scope, tokens, &facts)
            return Reply(.success(data), scope: scope, facts: facts)
        } catch {
            // A message may quote what the caller typed: the request's own secrets are masked in
            // it too, also when the request was refused before it was built (and its secrets
            // registered). Only a failure pays for the look.
            if case .success(let split) = parsed { scope.hooks.addSecrets(split.request.secretValues) }
            return Reply(.failure(error), scope: scope, facts: facts)
        }
    }

    /// The perform and read steps.
    func perform<Client, Request>(
        _ operation: Operation<Client, Request>, _ request: Request, _ client: Client,
        _ scope: CallScope, _ tokens: BearerTokens?, _ facts: inout CallFacts
    ) throws(SelloError) -> JSON {
        switch operation.steps {
        case .custom(let steps):
            return try steps(request, client, scope, &facts)
        case .exchange(let build, let read):
            return try exchange(try build(request, client), scope: scope, tokens: tokens, facts: &facts) {
                response, found throws(SelloError) in
                try read(response, request, client, scope, &found)
            }
        }
    }

    /// One HTTP exchange and its reading; a request that carries the bearer token gets one (from
    /// `tokens`), and, when the service refuses it, a new one and one more try — for a request
    /// sent once, only when the answer proves the service refused it before acting
    /// (`TokenRenewal.after`); otherwise its error says it may have reached the service, and the
    /// token is discarded for the next call.
    public func exchange(
        _ http: consuming HTTPRequest, scope: CallScope, tokens: BearerTokens?, facts: inout CallFacts,
        read: (HTTPResponse, inout ReadFacts) throws(SelloError) -> JSON
    ) throws(SelloError) -> JSON {
        // (`consuming`: the request built for the call is changed here, not copied first.)
        var stale: BearerToken?
        var renewed = false
        while true {
            if http.bearer {
                guard let tokens else {
                    throw .internal(
                        "\(service): an operation needs a token but the client has none")
                }
                let token = try tokens.token(scope: scope, replacing: stale, facts: &facts)
                http.headers =
                    http.headers.filter { !$0.hasPrefix("Authorization:") } + [
                        "Authorization: Bearer \(token.value)"
                    ]
                http.secrets.append(token.value)
                stale = token
            }
            let exchange = transport.perform(http, scope: scope)
            facts.add(exchange)
            let response = try exchange.response.get()
            var found = ReadFacts()
            let result = Result { () throws(SelloError) in try read(response, &found) }
            if found.serviceCode != nil { facts.serviceCode = found.serviceCode }
            facts.add(warnings: found.warnings)
            if let refusal = found.tokenRefusal, http.bearer, case .failure(let error) = result {
                switch TokenRenewal.after(refusal, replay: http.replay, renewed: renewed) {
                case .renewAndRepeat:
                    scope.hooks.log(
                        .info,
                        "\(service): the service refused the token (\(error.code)); logging in again "
                            + "and repeating the request once")
                    renewed = true
                    continue
                case .returnMayHaveArrived:
                    // Not used again: the next call logs in first.
                    if let stale { tokens?.discard(stale) }
                    scope.hooks.log(
                        .warning,
                        "\(service): the answer may mean the token was refused (\(error.code)), but it does not "
                            + "prove the service did not act: the request was not sent again; the next call logs in "
                            + "again")
                    throw TokenRenewal.mayHaveArrived(error, replay: http.replay)
                case .returnError:
                    break
                }
            }
            return try result.get()
        }
    }

    /// `*_client_cancel`: cancels the calls in flight with this `call_id` (all of them when nil).
    public func cancel(_ callIDText: UnsafePointer<CChar>?) -> Reply {
        let callID = callIDText.map {
            String(
                decoding: UnsafeBufferPointer(
                    start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self),
                    count: strlen($0)), as: UTF8.self)
        }
        let reached = calls.cancel(callID: callID)
        let scope = CallScope(service: service, operation: "client_cancel")
        if reached > 0 {
            hooks.forCall(redactor: redactor).log(
                .info,
                "\(service): cancelled \(reached) call(s)\(callID.map { " with call_id '\($0)'" } ?? "")")
        }
        return Reply(.success(["cancelled": .int(Int64(reached))]), scope: scope, facts: CallFacts())
    }
}

extension CallFacts {
    /// Adds a step's warnings; the first taken whole (issue 13: appending them to the empty
    /// array made a new one and copied them, some 350 instructions a FES call).
    fileprivate mutating func add(warnings more: [Warning]) {
        if warnings.isEmpty {
            warnings = more
        } else {
            warnings += more
        }
    }
}

/// The library-only request field `call_id` (API.md §6), accepted by every operation.
enum CallID {
    /// The request without `call_id`, and its value.
    static func split(_ request: RequestObject) throws(SelloError) -> (request: RequestObject, callID: String?) {
        var request = request
        guard let value = request.remove("call_id") else { return (request, nil) }
        guard let callID = value.stringValue else {
            throw .invalidArgument(
                "request field 'call_id' must be a string, got \(value.typeName)", field: "call_id", code: .wrongType)
        }
        return (request, callID)
    }
}
