import Testing

@testable import SelloCore

/// The Firma Virtual token (FVToken): the claims read from the JWT, the lifetime they give (claims
/// come from the network: nonsense means "renew at once", and no arithmetic may trap), and when the
/// client logs in again; the token read from a UserDataLogin answer.
@Suite struct FVTokenTests {
    @Test(arguments: [
        (Int64.max, Int64(-1)), (Int64.min, Int64.max), (Int64.max, Int64.min), (Int64(100), Int64(200)),
        (Int64(253_402_300_800), Int64(0)), (Int64(5), Int64(5)),
    ])
    func nonsensicalClaimsRenewAtOnce(_ exp: Int64, _ iat: Int64) {
        let renewal = FVToken.renewal(exp: exp, iat: iat)
        #expect(renewal.invalid)
        #expect(renewal.expiresAt == nil)
        #expect(renewal.renewAt == Int64.min)
    }

    @Test func expWithoutIatAtTheExtremes() {
        #expect(FVToken.renewal(exp: Int64.min, iat: nil).invalid)
        #expect(FVToken.renewal(exp: -1, iat: nil).invalid)
        #expect(!FVToken.renewal(exp: 1_900_000_000, iat: nil).invalid)
        let renewAt: Int64? = FVToken.renewal(exp: 1_900_000_000, iat: nil).renewAt
        #expect(renewAt == Int64(1_899_999_940))
    }

    @Test func shortTokensRenewHalfWay() {
        #expect(FVToken.renewal(exp: 1_000_100, iat: 1_000_000).renewAt == 1_000_050)
        #expect(FVToken.renewal(exp: 1_003_600, iat: 1_000_000).renewAt == 1_003_540)
    }

    @Test func withoutExpTheClaimsGiveNoRenewal() {
        let renewal = FVToken.renewal(exp: nil, iat: 1_000_000)
        #expect(renewal.expiresAt == nil && renewal.renewAt == nil && !renewal.invalid)
    }

    /// CHILE_2026 §1.9 #2: "cache it with a TTL (default 24 h, or from the JWT `exp`)"; a token
    /// without `exp` was cached until the service refused it, however the refusal was worded.
    @Test func aTokenWithoutExpIsRenewedAfter24Hours() {
        #expect(FVToken.defaultLifetime == 86_400)
        for value in ["opaque-token-0123456789", Self.jwt(#"{"sub":"1"}"#), Self.jwt(#"{"iat":1000000}"#)] {
            let token = FVToken(value: value, generation: 1, now: 1_000_000)
            #expect(token.expiresAt == nil && !token.lifetimeInvalid)
            #expect(token.isFresh(now: 1_086_399) && !token.isFresh(now: 1_086_400), "\(value)")
        }
        // A clock at its end does not overflow.
        #expect(FVToken(value: "opaque-token-0123456789", generation: 1, now: Int64.max).isFresh(now: 0))
    }

    @Test func theLatestAcceptedExpiryIsTheEndOf9999() {
        #expect(!FVToken.renewal(exp: FVToken.latestExpiry, iat: 0).invalid)
        #expect(FVToken.renewal(exp: FVToken.latestExpiry + 1, iat: 0).invalid)
        #expect(FVToken.renewal(exp: 0, iat: nil).renewAt == -60)
    }

    // MARK: - Claims

    /// A JWT with `payload` as its claims, base64url without padding as JWTs are written.
    static func jwt(_ payload: String) -> String {
        func url(_ text: String) -> String {
            String(Base64.encode(Array(text.utf8)).map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" })
        }
        return url(#"{"typ":"JWT","alg":"HS256"}"#) + "." + url(payload) + ".c2lnbmF0dXJl"
    }

    @Test func claimsAreReadFromThePayload() {
        #expect(
            FVToken.claims(Self.jwt(#"{"sub":"1","iat":1700000000,"exp":1700003600}"#)) == (
                1_700_003_600, 1_700_000_000
            ))
        #expect(FVToken.claims(Self.jwt(#"{"exp":1700003600.9}"#)) == (1_700_003_600, nil))
        // This payload's base64 has a "/" and a "+": base64url writes them "_" and "-".
        #expect(FVToken.claims(Self.jwt(#"{"n":"???>>>~~","exp":5}"#)) == (5, nil))
    }

    @Test(arguments: [
        "not a jwt", "a.b", "a.b.c.d", "x.!!!.y", Self.jwt("[1,2]"), Self.jwt(#"{"exp":"soon"}"#),
        Self.jwt(#"{"exp":1e300}"#),
        Self.jwt(#"{"exp":null,"iat":true}"#), Self.jwt("{"),
    ])
    func unreadableClaimsAreAbsent(_ token: String) {
        #expect(FVToken.claims(token) == (nil, nil), "\(token)")
    }

    @Test func aTokenKnowsWhenToRenew() {
        let token = FVToken(value: Self.jwt(#"{"iat":1700000000,"exp":1700003600}"#), generation: 3)
        #expect(token.generation == 3 && token.expiresAt == 1_700_003_600 && token.renewAt == 1_700_003_540)
        #expect(token.isFresh(now: 1_700_003_539) && !token.isFresh(now: 1_700_003_540))
        let withoutExp = FVToken(value: "opaque-token", generation: 1, now: 1_700_000_000)
        #expect(withoutExp.isFresh(now: 1_700_000_001) && withoutExp.expiresAt == nil)
        #expect(!withoutExp.isFresh(now: Int64.max))
        let nonsense = FVToken(value: Self.jwt(#"{"iat":1700003600,"exp":1700000000}"#), generation: 2)
        #expect(nonsense.lifetimeInvalid && !nonsense.isFresh(now: Int64.min + 1))
    }

    @Test func expiryIsShownAsAnISODate() {
        #expect(FVToken.isoDate(1_763_895_397) == "2025-11-23T10:56:37Z")
        #expect(FVToken.isoDate(0) == "1970-01-01T00:00:00Z")
        #expect(FVToken.isoDate(FVToken.latestExpiry) == "9999-12-31T23:59:59Z")
    }

    // MARK: - The token in a login answer

    static let token = jwt(#"{"sub":"1"}"#)

    /// A login answer: the seed's envelope with `message`, plus `top` members.
    static func answer(_ message: JSON?, _ top: JSONObject = [:]) -> JSONObject {
        var object: JSONObject = ["code": 200, "status": "success"]
        if let message { object.append("message", message) }
        for member in top.members { object.append(member.key, member.value) }
        return object
    }

    @Test(arguments: [
        (answer(["Authorization": "Bearer eyJ.a-b_c.d="]), "eyJ.a-b_c.d="),
        (answer(["token": "  bearer eyJ.x.y  "]), "eyJ.x.y"),
        (answer(["AUTHORIZATION": "eyJ.x.y"]), "eyJ.x.y"),
        (answer(.string("Bearer eyJ.x.y")), "eyJ.x.y"),
        (answer(.string("eyJ.x.y")), "eyJ.x.y"),
        (answer(.string("Bearer eyJ+x/y~z")), "eyJ+x/y~z"),
        // An opaque token under a key that names it (TTX sends such a value with "Bearer " added).
        (answer(["Authorization": "0123456789abcdef-OPAQUE"]), "0123456789abcdef-OPAQUE"),
    ])
    func theBearerTokenIsFoundInEveryShape(_ answer: JSONObject, _ token: String) {
        #expect(FVToken.bearer(in: answer) == token)
    }

    /// CHILE_2026 §1.2's order: message.Authorization, message when a string, the top level's
    /// Authorization, token, jwt, then message.token; a value that is no token is passed over.
    @Test func theTokenIsLookedForInTheDocumentsOrder() {
        let other = Self.jwt(#"{"sub":"2"}"#)
        let top: JSONObject = ["Authorization": .string("Bearer " + other)]
        #expect(FVToken.bearer(in: Self.answer(["Authorization": .string("Bearer " + Self.token)], top)) == Self.token)
        #expect(FVToken.bearer(in: Self.answer(.string(Self.token), top)) == Self.token)
        #expect(FVToken.bearer(in: Self.answer("Login correcto", top)) == other)
        #expect(FVToken.bearer(in: Self.answer("OK", top)) == other)
        #expect(FVToken.bearer(in: Self.answer([:], ["token": .string(Self.token)])) == Self.token)
        #expect(FVToken.bearer(in: Self.answer(nil, ["jwt": .string(Self.token)])) == Self.token)
        #expect(FVToken.bearer(in: Self.answer(["token": .string(Self.token)], ["jwt": .string(other)])) == other)
        #expect(FVToken.bearer(in: Self.answer(["token": .string(Self.token)])) == Self.token)
        #expect(FVToken.bearer(in: Self.answer(["Authorization": "OK", "token": .string(Self.token)])) == Self.token)
    }

    /// The value goes into a header line, and a word is no token: "OK" taken as the token made
    /// fv_login say authorized and every later call send "Bearer OK".
    @Test(arguments: [
        answer(.string("Bearer eyJ.x\r\nX-Evil: 1")), answer(.string("Bearer eyJ.x y")), answer(.string("eyJ x")),
        answer(.string("eyJñ")), answer(["msg": "eyJ.x.y"]), answer(["eyJ.x.y"]), answer(.int(7)), answer(.null),
        answer(.string(String(repeating: "a", count: 16_385))), answer("OK"), answer("success"), answer("error"),
        answer("eyJ+x/y~z"), answer("0123456789abcdef-OPAQUE"), answer(["Authorization": "OK"]),
        answer(["token": "success"]), answer(nil, ["Authorization": "error"]), answer(.string("a..b")),
        answer(.string("Bearer " + String(repeating: "a", count: 16_385))),
    ])
    func whatIsNotATokenIsNoToken(_ answer: JSONObject) {
        #expect(FVToken.bearer(in: answer) == nil)
    }

    /// "Bearer " with nothing after it: trimmed first, it lost its "bearer " prefix and the word
    /// itself became the token (sent as "Authorization: Bearer Bearer", refused, and the client
    /// logged in again).
    @Test func anEmptyBearerIsNoToken() {
        #expect(FVToken.bearer(in: Self.answer(.string("Bearer "))) == nil)
        #expect(FVToken.bearer(in: Self.answer(["Authorization": "Bearer  "])) == nil)
        #expect(FVToken.bearer(in: Self.answer(.string("Bearer abc.def-ghi"))) == "abc.def-ghi")
    }

    @Test func aTokenOfTheLargestSizeIsKept() {
        let long = String(repeating: "a", count: 16_384)
        #expect(FVToken.bearer(in: Self.answer(.string("Bearer " + long)))?.count == 16_384)
    }

    // MARK: - What refuses the token

    /// CHILE_2026 §1.2: "a body message containing "JWT" / "Token" plus "invalid"" may signal an
    /// expired token (the seed's own "JWT Token invalid" comes at HTTP 200); matched lower-cased,
    /// accents removed, besides the catalogue's exact texts.
    @Test(arguments: [
        "Invalid JWT Token", "JWT Token expired", "Token invalid", "JWT Token invalid.", "Token Bearer erroneo",
        "Token inválido", "TOKEN EXPIRED", "jwt: signature invalid", "Expired token", "El token es inválido",
    ])
    func aMessageAboutAnInvalidTokenRefusesIt(_ text: String) {
        let (error, refuses) = FVMessages.error(text: text, shown: text, serviceCode: 400)
        #expect(refuses == .tokenWords, "\(text)")
        #expect(error.kind == .auth && error.code == .jwtInvalid && error.serviceCode == 400)
        #expect(error.message.hasPrefix(text))
    }

    @Test(arguments: [
        "Contract not found", "Invalid RUT", "Token required", "invalid data", "Expired contract", "jwt",
        "Email exists",
    ])
    func otherMessagesDoNotRefuseTheToken(_ text: String) {
        #expect(FVMessages.error(text: text, shown: text, serviceCode: 400).refusal == nil, "\(text)")
    }
}
