#if canImport(Glibc)
import Glibc
#endif

/// What every service client has: its configuration, its transport, the caller's callbacks and
/// the calls in flight (for `*_client_cancel`).
public final class ServiceClient: Sendable {
    public let service: String
    public let config: ClientConfig
    public let transport: HTTPTransport
    public let hooks = ClientHooks()
    let calls = CallRegistry()
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
    /// made, its request parsed (the library-only `call_id` taken out of it) and every error
    /// turned into an envelope. The call can be cancelled from its registration to its return.
    public func call(_ operation: String, _ requestText: UnsafePointer<CChar>?,
                     _ body: (JSON, CallContext) throws(SelloError) -> JSON) -> JSON {
        let hooks = hooks.forCall(redactor: redactor)
        let parsed = Result { () throws(SelloError) in try CallID.split(try RequestText.parse(requestText)) }
        let token = CancelToken(callID: (try? parsed.get())?.callID)
        let key = calls.register(token)
        defer { calls.unregister(key) }
        let context = CallContext(service: service, operation: operation, hooks: hooks, cancel: token)
        // A call's first line names where it goes, before anything can fail or be sent.
        context.hooks.log(.info, "\(service).\(operation) → \(transport.baseURL) (\(config.environment.map { "environment \($0)" } ?? "base_url"))")
        return Envelope.run(context) { context throws(SelloError) in
            try body(try parsed.get().request, context)
        }
    }

    /// `*_client_cancel`: cancels the calls in flight with this `call_id` (all of them when nil).
    public func cancel(_ callIDText: UnsafePointer<CChar>?) -> JSON {
        let callID = callIDText.map { String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self),
                                                                          count: strlen($0)), as: UTF8.self) }
        let reached = calls.cancel(callID: callID)
        let context = CallContext(service: service, operation: "client_cancel")
        if reached > 0 {
            hooks.forCall(redactor: redactor).log(.info, "\(service): cancelled \(reached) call(s)\(callID.map { " with call_id '\($0)'" } ?? "")")
        }
        return Envelope.success(["cancelled": .int(Int64(reached))], context: context)
    }
}

/// The library-only request field `call_id` (API.md §6), accepted by every operation.
enum CallID {
    /// The request without `call_id`, and its value.
    static func split(_ request: JSON) throws(SelloError) -> (request: JSON, callID: String?) {
        guard var object = request.objectValue, let value = object["call_id"] else { return (request, nil) }
        guard let callID = value.stringValue else {
            throw .invalidArgument("request field 'call_id' must be a string, got \(value.typeName)", field: "call_id", code: "WRONG_TYPE")
        }
        object["call_id"] = nil
        return (.object(object), callID)
    }
}

/// Runs a local helper (no client, nothing sent) and returns its envelope.
public func localCall(service: String, operation: String, _ requestText: UnsafePointer<CChar>?,
                      _ body: (JSON, CallContext) throws(SelloError) -> JSON) -> JSON {
    let context = CallContext(service: service, operation: operation)
    return Envelope.run(context) { context throws(SelloError) in
        try body(try CallID.split(try RequestText.parse(requestText)).request, context)
    }
}
