#if canImport(Glibc)
import Glibc
#endif

/// Reads Firma Virtual's answers, which share one envelope `{"code", "status", "message"}` but
/// not one shape: `code` may differ from the HTTP status (204 inside a 200), errors come at 200
/// or 400, and `message` is an object, an array, a string or `{"info": ...}`.
enum FVAnswer {
    /// Reads an answer: its `message` (this call's secrets masked) and the whole answer object,
    /// for readers that look beyond `message` (create-contract-express's contract id); or the
    /// error it carries. `found` gets the body's `code` and whether the service refused the
    /// bearer token (so it did not act on the request).
    /// - Parameters:
    ///   - authenticated: whether the request carried a bearer token (only then can an answer
    ///     mean "log in again").
    ///   - acceptsWithoutStatus: whether a 2xx JSON object without `status` is the operation's
    ///     success all the same (create-contract-express: when it carries the contract id); it
    ///     is then read with a STATUS_MISSING warning. nil: such an answer is unreadable.
    ///   - noContentData: the message of an HTTP 204 answer (which has no body), for an operation
    ///     whose success carries nothing; nil: such an answer is unreadable.
    static func read(
        _ response: HTTPResponse, redactor: Redactor, authenticated: Bool,
        found: inout ReadFacts, acceptsWithoutStatus: (@Sendable (JSONObject) -> Bool)? = nil,
        noContentData: JSON? = nil
    ) throws(SelloError) -> (message: JSON, answer: JSONObject) {
        // DeleteContract's body code is 204 (seed 001); a server that sends it as the HTTP status
        // sends no body (RFC 9110 §15.3.5), and "No Content" is then the whole success.
        if response.status == 204, let noContentData, response.body.allSatisfy(Self.isSpace) {
            return (noContentData, JSONObject())
        }
        let object = try AnswerJSON.parse(response.body, found: &found)?.objectValue
        let status = object?["status"]?.stringValue
        if let object { found.serviceCode = serviceCode(object["code"]) }
        if response.status == 401 && authenticated {
            found.tokenRefusal = .unauthorized
            throw SelloError(
                .auth, .jwtInvalid, "Firma Virtual answered HTTP 401: the bearer token was refused",
                serviceCode: found.serviceCode)
        }
        // HTTP 403 is among the signals of an expired token CHILE_2026 §1.2 lists (the live
        // service's is unknown): log in again once; the error stays the answer's own.
        let forbidden = response.status == 403 && authenticated
        guard let object, let status else {
            found.tokenRefusal = forbidden ? .forbidden : nil
            if let object, (200..<300).contains(response.status), acceptsWithoutStatus?(object) == true {
                found.warn(withoutStatus(object, redactor))
                return (object["message"] ?? .null, object)
            }
            throw AnswerFormat.firmaVirtual.unreadable(response, redactor: redactor)
        }
        let message = object["message"] ?? .null
        if status.trimmingSpaces.lowercased() == "success" {
            return (message, object)
        }
        let text = messageText(message)
        let known = FVMessages.error(
            text: text, shown: shown(text, redactor, limit: message.stringValue == nil ? 200 : nil),
            serviceCode: found.serviceCode)
        // The strongest signal: a catalogue text that says so, then 403, then the rest.
        if authenticated {
            found.tokenRefusal = known.refusal == .refusalText ? .refusalText : forbidden ? .forbidden : known.refusal
        }
        throw known.error
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// The warning of a 2xx answer without `status` read as a success, naming what it carried.
    static func withoutStatus(_ object: JSONObject, _ redactor: Redactor) -> Warning {
        let sample = redactor.sample(JSONWriter.encode(.object(object)))
        return Warning(
            kind: .protocol, code: .statusMissing,
            message: "Firma Virtual's answer has no status (its documented JSON is {code, status, message}); "
                + "it was read as a success because of what it carries: \(sample)")
    }

    /// The service's text as it may be shown: trimmed, this call's secrets masked, and anything
    /// after "Bearer eyJ" (a token) masked; the seed's own "Token Bearer erróneo" stays readable.
    /// Masked first, then cut to `limit` characters: a secret straddling the cut would otherwise
    /// leave its head behind, no longer recognisable (issue 12, item 6).
    static func shown(_ text: String, _ redactor: Redactor, limit: Int? = nil) -> String {
        var result = text.trimmingSpaces
        if result.contains("Bearer eyJ") {
            result = redactor.scrub(result)
        } else {
            result = redactor.scrubSecrets(result)
        }
        if let limit, result.count > limit { result = String(result.prefix(limit)) + "…" }
        return result
    }

    /// The body's `code`, a number (or a numeric string).
    static func serviceCode(_ value: JSON?) -> Int? {
        guard let value else { return nil }
        if let int = value.intValue { return Int(exactly: int) }
        if let string = value.stringValue { return Int(string.trimmingSpaces) }
        return nil
    }

    /// The text of an error `message`: a string, or the first text member of an object
    /// (`message`, `msg`, `info`, `error`), or that of an array's first element, or the JSON
    /// itself, shortened.
    static func messageText(_ message: JSON) -> String {
        switch message {
        case .string(let text): return text
        case .null: return ""
        case .object(let object):
            for key in ["message", "msg", "info", "error"] {
                if let text = object[key]?.stringValue { return text }
            }
        case .array(let items):
            if let first = items.first, first.stringValue != nil || first.objectValue != nil {
                let text = messageText(first)
                if !text.hasPrefix("{") { return text }
            }
        default:
            break
        }
        return JSONWriter.string(message) // cut by `shown`, after masking (issue 12, item 6)
    }
}

/// A bearer token and what its JWT payload says about its life (no signature check: the
/// service checks it; the client only needs to know when to renew).
struct FVToken: Sendable {
    let value: String
    /// The `exp` claim (Unix seconds), when the token carries one.
    let expiresAt: Int64?
    /// When to log in again: 60 s before `exp` (half the token's life for tokens that live
    /// less than two minutes, so that a short-lived token is still used); `defaultLifetime`
    /// after the login for a token without `exp`.
    let renewAt: Int64?
    /// The login that produced it (FVClient counts logins).
    let generation: Int

    /// The claims gave a lifetime that makes no sense: the token is renewed at once.
    let lifetimeInvalid: Bool

    /// The latest `exp` accepted: 9999-12-31T23:59:59Z.
    static let latestExpiry: Int64 = 253_402_300_799

    /// How long a token without `exp` is used before a new login: "cache it with a TTL
    /// (default 24 h, or from the JWT `exp`)" (CHILE_2026 §1.9 #2; TTX caches for 24 h a token
    /// it says lasts 48–72 h).
    static let defaultLifetime: Int64 = 86_400

    /// A token obtained at `now` (Unix seconds).
    init(value: String, generation: Int, now: Int64 = FVToken.now()) {
        self.value = value
        self.generation = generation
        let claims = FVToken.claims(value)
        let renewal = FVToken.renewal(exp: claims.exp, iat: claims.iat)
        (expiresAt, lifetimeInvalid) = (renewal.expiresAt, renewal.invalid)
        let (later, overflow) = now.addingReportingOverflow(FVToken.defaultLifetime)
        renewAt = renewal.renewAt ?? (overflow ? Int64.max : later)
    }

    /// When to renew, from claims that come from the network (issue 12, item 2): `exp` outside
    /// 1970…9999, `iat` negative or not before `exp` make no sense and mean "renew at once"
    /// (no expiry shown); no arithmetic here can overflow.
    static func renewal(exp: Int64?, iat: Int64?) -> (expiresAt: Int64?, renewAt: Int64?, invalid: Bool) {
        guard let exp else { return (nil, nil, false) }
        guard (0...latestExpiry).contains(exp), iat.map({ (0..<exp).contains($0) }) ?? true else {
            return (nil, Int64.min, true)
        }
        let lifetime = iat.map { exp - $0 } ?? Int64.max // both in range: cannot overflow
        let margin = min(60, lifetime / 2)
        return (exp, exp - margin, false)
    }

    func isFresh(now: Int64) -> Bool { renewAt.map { now < $0 } ?? false }

    /// `exp` and `iat` from the JWT payload (base64url JSON), nil where absent or unreadable.
    static func claims(_ token: String) -> (exp: Int64?, iat: Int64?) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = Base64.decode(String(parts[1])),
            let payload = try? JSONParser.parse(bytes), let object = payload.objectValue
        else { return (nil, nil) }
        func number(_ key: String) -> Int64? {
            if let int = object[key]?.intValue { return int }
            if case .double(let double)? = object[key], double.isFinite, abs(double) < 1e15 { return Int64(double) }
            return nil
        }
        return (number("exp"), number("iat"))
    }

    /// The token of a UserDataLogin answer, looked for in CHILE_2026 §1.2's order: `message.Authorization`
    /// (the seed's `{"Authorization": "Bearer eyJ…"}`), `message` when it is a string, the top
    /// level's `Authorization`, `token`, `jwt` (TTX, GT), then `message.token` (keys matched
    /// case-insensitively). A value that is no token is passed over (`token(_:named:)`).
    static func bearer(in answer: JSONObject) -> String? {
        let message = answer["message"]
        let candidates: [(value: JSON?, named: Bool)] = [
            (member(message?.objectValue, "authorization"), true),
            (message?.stringValue != nil ? message : nil, false),
            (member(answer, "authorization"), true),
            (member(answer, "token"), true),
            (member(answer, "jwt"), true),
            (member(message?.objectValue, "token"), true),
        ]
        for candidate in candidates {
            if let text = candidate.value?.stringValue, let token = token(text, named: candidate.named) {
                return token
            }
        }
        return nil
    }

    static func member(_ object: JSONObject?, _ lowercasedKey: String) -> JSON? {
        object?.members.first(where: { $0.key.lowercased() == lowercasedKey })?.value
    }

    /// The bare token of a value, if it looks like one: "Bearer " and a token (RFC 6750's
    /// characters); a JWT (three base64url parts joined by dots); or, under a key that names a
    /// token (`named`), an opaque value of at least 16 such characters (TTX sends an unprefixed
    /// value with "Bearer " added). So "OK", "success" or "error" in `message` is no token. Only
    /// these characters are accepted: the value goes into a header line.
    static func token(_ text: String, named: Bool) -> String? {
        var token = text.trimmingSpaces
        var prefixed = false
        if token.lowercased().hasPrefix("bearer ") {
            token = String(token.dropFirst(7)).trimmingSpaces
            prefixed = true
        }
        // "Bearer " alone, trimmed to the bare word: no token (not the token "Bearer").
        guard !token.isEmpty, token.lowercased() != "bearer", token.utf8.count <= 16_384,
            token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.=+/~".contains($0)) })
        else { return nil }
        guard prefixed || isJWT(token) || (named && token.utf8.count >= 16) else { return nil }
        return token
    }

    /// Three non-empty base64url parts joined by dots.
    static func isJWT(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3
            && parts.allSatisfy { part in
                !part.isEmpty
                    && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            }
    }

    /// "2025-11-23T10:56:37Z".
    static func isoDate(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return String(seconds) }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
        return date + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    static func now() -> Int64 { Int64(time(nil)) }
}
