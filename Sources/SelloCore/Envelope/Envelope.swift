#if canImport(Glibc)
import Glibc
#endif

/// The one place that turns a result into the envelope JSON.
public enum Envelope {
    /// Every envelope leaves through `success` or `failure`, which mask the call's secrets in all
    /// of it — data (member names included, documents excepted), error, warnings — whatever
    /// echoed them (issue 12, item 5).
    public static func success(_ data: JSON, scope: CallScope, facts: CallFacts) -> JSON {
        let redactor = scope.hooks.redactor
        logWarnings(facts, scope)
        var object = JSONObject(capacity: 4)
        object.append("ok", .bool(true))
        object.append("data", redactor.scrub(json: data))
        if !facts.warnings.isEmpty {
            object.append("warnings", .array(facts.warnings.map { scrubMembers($0.json, redactor) }))
        }
        object.append("meta", facts.meta(scope))
        return .object(object)
    }

    public static func failure(_ error: SelloError, scope: CallScope, facts: CallFacts) -> JSON {
        let redactor = scope.hooks.redactor
        logWarnings(facts, scope)
        scope.hooks.log(
            .error,
            "\(scope.service).\(scope.operation) failed: \(error.kind.rawValue) \(error.code): \(error.message)")
        var object = JSONObject(capacity: 4)
        object.append("ok", .bool(false))
        object.append("error", scrubMembers(error.json, redactor))
        if !facts.warnings.isEmpty {
            object.append("warnings", .array(facts.warnings.map { scrubMembers($0.json, redactor) }))
        }
        object.append("meta", facts.meta(scope))
        return .object(object)
    }

    /// One log line per warning, when the call ends.
    static func logWarnings(_ facts: CallFacts, _ scope: CallScope) {
        for warning in facts.warnings {
            scope.hooks.log(
                .warning,
                "\(scope.service).\(scope.operation): \(warning.message)")
        }
    }

    /// The values of the library's own object (an error, a warning) scrubbed, its member names
    /// kept: they are the envelope's structure.
    static func scrubMembers(_ value: JSON, _ redactor: Redactor) -> JSON {
        guard !redactor.secrets.isEmpty, let object = value.objectValue else { return value }
        var copy = JSONObject(capacity: object.members.count)
        for member in object.members { copy.append(member.key, redactor.scrub(json: member.value)) }
        return .object(copy)
    }

    /// The envelope as a malloc'ed NUL-terminated string for the C caller (released by
    /// `sello_free`), written straight into the buffer handed over.
    public static func cString(_ json: JSON) -> UnsafeMutablePointer<CChar>? {
        var writer = JSONWriter(capacity: 1024)
        writer.write(json)
        return writer.takeCString()
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
