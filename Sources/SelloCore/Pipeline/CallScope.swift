/// Who a call is, for every layer below the pipeline: its names, the caller's callbacks and the
/// call's secrets (`hooks`), its cancellation token and when it started. Layers read it; what they
/// find out they return (`Exchange`, `Parsed`, `ReadFacts`), and only the pipeline gathers that
/// into the envelope (`CallFacts`).
public struct CallScope {
    public let service: String
    public let operation: String
    /// The caller's callbacks and this call's secrets; shared by the items of a batch.
    public let hooks: CallHooks
    /// What `*_client_cancel` sets; shared by the items of a batch.
    public let cancel: CancelToken
    public let started: ContinuousClock.Instant
    /// Where the client's credentials go (`ServiceEnvironments.credentialsNote`), added by `Reply`
    /// to the service's refusal of them; nil for a call of no client.
    public let credentialsNote: String?

    public init(
        service: String, operation: String, hooks: CallHooks = CallHooks(),
        cancel: CancelToken = CancelToken(callID: nil), started: ContinuousClock.Instant = .now,
        credentialsNote: String? = nil
    ) {
        self.service = service
        self.operation = operation
        self.hooks = hooks
        self.cancel = cancel
        self.started = started
        self.credentialsNote = credentialsNote
    }

    /// The same call seen as another operation (a batch item).
    public func item(_ operation: String) -> CallScope {
        CallScope(
            service: service, operation: operation, hooks: hooks, cancel: cancel, started: .now,
            credentialsNote: credentialsNote)
    }

    public var elapsedMilliseconds: Double {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return (milliseconds * 10).rounded() / 10
    }
}

/// What a call did, for the envelope's `meta` and `warnings`, gathered by the pipeline from what
/// each step returned: the transport's exchanges, the request's and the answer's warnings, the
/// service's own code.
public struct CallFacts: Sendable {
    /// HTTP requests that reached the wire for this call (0: nothing was sent).
    public var attempts = 0
    public var httpStatus: Int?
    /// The service's own status code from the body, where it has one besides HTTP's.
    public var serviceCode: Int?
    public var warnings: [Warning] = []
    /// The replay policy of the last request the service answered: an error found in reading that
    /// answer comes after the request reached the service (`Reply`, `SelloError.afterAnswer`).
    public var answered: ReplayPolicy?

    public init() {}

    mutating func add(_ exchange: Exchange) {
        attempts += exchange.attempts
        if let status = exchange.httpStatus { httpStatus = status }
        if case .success(let response) = exchange.response { answered = response.replay }
    }
}

/// What reading a request or an answer found besides its value: warnings, the service's code,
/// whether the service refused the bearer token. Each step gets a fresh one; the pipeline decides
/// what of it the call reports (a login's service code is not the call's).
public struct ReadFacts: Sendable {
    public var warnings: [Warning] = []
    public var serviceCode: Int?
    /// The service said the token is invalid or expired, and how (`TokenRenewal` decides what
    /// the pipeline does with it).
    public var tokenRefusal: TokenRefusal?

    public init() {}

    public mutating func warn(_ warning: Warning) { warnings.append(warning) }
}
