#if canImport(Glibc)
import Glibc
#endif

/// What one call did, for the envelope's `meta` (API.md §3). A call runs on one thread, so this
/// is a class the layers below update in place.
public final class CallContext {
    public let service: String
    public let operation: String
    let started = ContinuousClock.now
    /// HTTP requests sent (transfers started) for this call.
    public var attempts = 0
    public var httpStatus: Int?
    /// The service's own status code from the body, where it has one besides HTTP's (Firma Virtual).
    public var serviceStatus: Int?
    public var warnings: [Warning] = []
    /// The caller's callbacks and this call's secrets; shared by the items of a batch.
    let hooks: CallHooks
    /// What `*_client_cancel` sets; shared by the items of a batch.
    public let cancel: CancelToken

    public init(service: String, operation: String, hooks: CallHooks = CallHooks(),
                cancel: CancelToken = CancelToken(callID: nil)) {
        self.service = service
        self.operation = operation
        self.hooks = hooks
        self.cancel = cancel
    }

    public var elapsedMilliseconds: Double {
        let duration = ContinuousClock.now - started
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return (milliseconds * 10).rounded() / 10
    }

    public func warn(_ warning: Warning) {
        warnings.append(warning)
        hooks.log(.warning, "\(service).\(operation): \(warning.message)")
    }

    var meta: JSON {
        var object = JSONObject()
        object.append("service", .string(service))
        object.append("operation", .string(operation))
        object.append("http_status", JSON(httpStatus))
        if let serviceStatus { object.append("service_code", .int(Int64(serviceStatus))) }
        object.append("attempts", .int(Int64(attempts)))
        object.append("elapsed_ms", .double(elapsedMilliseconds))
        return .object(object)
    }
}

/// The one place that turns a result into the envelope JSON.
public enum Envelope {
    /// Every envelope leaves through `success` or `failure`, which mask the call's secrets in all
    /// of it — data (member names included, documents excepted), error, warnings — whatever
    /// echoed them (issue 12, item 5).
    public static func success(_ data: JSON, context: CallContext) -> JSON {
        let redactor = context.hooks.redactor
        var object = JSONObject()
        object.append("ok", .bool(true))
        object.append("data", redactor.scrub(json: data))
        if !context.warnings.isEmpty { object.append("warnings", .array(context.warnings.map { scrubMembers($0.json, redactor) })) }
        object.append("meta", context.meta)
        return .object(object)
    }

    public static func failure(_ error: SelloError, context: CallContext) -> JSON {
        let redactor = context.hooks.redactor
        var object = JSONObject()
        object.append("ok", .bool(false))
        object.append("error", scrubMembers(error.json, redactor))
        if !context.warnings.isEmpty { object.append("warnings", .array(context.warnings.map { scrubMembers($0.json, redactor) })) }
        object.append("meta", context.meta)
        return .object(object)
    }

    /// The values of the library's own object (an error, a warning) scrubbed, its member names
    /// kept: they are the envelope's structure.
    static func scrubMembers(_ value: JSON, _ redactor: Redactor) -> JSON {
        guard !redactor.secrets.isEmpty, let object = value.objectValue else { return value }
        var copy = JSONObject()
        for member in object.members { copy.append(member.key, redactor.scrub(json: member.value)) }
        return .object(copy)
    }

    public static func make(_ result: Result<JSON, SelloError>, context: CallContext) -> JSON {
        switch result {
        case .success(let data): return success(data, context: context)
        case .failure(let error):
            context.hooks.log(.error, "\(context.service).\(context.operation) failed: \(error.kind.rawValue) \(error.code): \(error.message)")
            return failure(error, context: context)
        }
    }

    /// Runs `body` and returns its envelope; every error becomes an error envelope.
    public static func run(_ context: CallContext, _ body: (CallContext) throws(SelloError) -> JSON) -> JSON {
        do {
            return make(.success(try body(context)), context: context)
        } catch {
            return make(.failure(error), context: context)
        }
    }

    /// A malloc'ed NUL-terminated copy for the C caller (released by `sello_free`). NULL only
    /// when memory cannot be allocated.
    public static func cString(_ json: JSON) -> UnsafeMutablePointer<CChar>? {
        cString(bytes: JSONWriter.encode(json))
    }

    public static func cString(bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
        guard let memory = malloc(bytes.count + 1) else { return nil }
        let pointer = memory.bindMemory(to: CChar.self, capacity: bytes.count + 1)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { memcpy(pointer, base, bytes.count) }
        }
        pointer[bytes.count] = 0
        return pointer
    }
}
