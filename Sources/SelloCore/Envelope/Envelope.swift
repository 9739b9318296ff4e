/// The one place that turns a result into the envelope JSON.
public enum Envelope {
    /// Every envelope leaves through `success` or `failure` (or a `Reply` they make), which
    /// mask the call's secrets in all of it.
    public static func success(_ data: JSON, scope: CallScope, facts: CallFacts) -> JSON {
        Reply(.success(data), scope: scope, facts: facts).json
    }

    public static func failure(_ error: SelloError, scope: CallScope, facts: CallFacts) -> JSON {
        Reply(.failure(error), scope: scope, facts: facts).json
    }

    /// The values of the library's own object (an error, a warning) scrubbed, its member names
    /// kept: they are the envelope's structure.
    static func scrubMembers(_ value: JSON, _ redactor: Redactor) -> JSON {
        guard redactor.knowsSecrets, let object = value.objectValue else { return value }
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
}
