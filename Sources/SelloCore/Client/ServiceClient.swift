/// What every service client has: its configuration, its transport and the caller's callbacks.
public final class ServiceClient: Sendable {
    public let service: String
    public let config: ClientConfig
    public let transport: HTTPTransport
    public let hooks = ClientHooks()
    /// The client's secrets (credentials, proxy password) with their encoded forms, prepared
    /// once: every call starts from it (issue 12, items 5 and 6).
    let redactor: Redactor

    public init(service: String, config: ClientConfig) throws(SelloError) {
        self.service = service
        self.config = config
        redactor = Redactor(secrets: config.secrets)
        transport = try HTTPTransport(config: config)
    }

    /// Runs one operation and returns its envelope: the one place where a call's context is
    /// made, its request parsed and every error turned into an envelope.
    public func call(_ operation: String, _ requestText: UnsafePointer<CChar>?,
                     _ body: (JSON, CallContext) throws(SelloError) -> JSON) -> JSON {
        let context = CallContext(service: service, operation: operation, hooks: hooks.forCall(redactor: redactor))
        // A call's first line names where it goes, before anything can fail or be sent.
        context.hooks.log(.info, "\(service).\(operation) → \(transport.baseURL) (\(config.environment.map { "environment \($0)" } ?? "base_url"))")
        return Envelope.run(context) { context throws(SelloError) in
            try body(try RequestText.parse(requestText), context)
        }
    }
}

/// Runs a local helper (no client, nothing sent) and returns its envelope.
public func localCall(service: String, operation: String, _ requestText: UnsafePointer<CChar>?,
                      _ body: (JSON, CallContext) throws(SelloError) -> JSON) -> JSON {
    let context = CallContext(service: service, operation: operation)
    return Envelope.run(context) { context throws(SelloError) in
        try body(try RequestText.parse(requestText), context)
    }
}
