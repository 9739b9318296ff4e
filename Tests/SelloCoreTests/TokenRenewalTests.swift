import Testing

@testable import SelloCore

/// What the pipeline does when Firma Virtual's answer says the bearer token was refused
/// (CHILE_2026 §1.2 lists the signals, [INF]): a request the library may repeat (`idempotent`)
/// logs in again and is sent once more on any of them, as before; a request it never sends twice
/// (`onlyIfNotSent`, `callerMayRepeat`: create-contract-express, create-contract…) only on a signal
/// that proves the service refused it before acting on it — HTTP 401 or one of the catalogue's
/// exact texts. On the others (HTTP 403, the generic "error", a text naming token + invalid, such
/// as a payment's "token de transaccion invalido") the service may have acted: the error is
/// returned, worded as after any answer that may have arrived.
@Suite struct TokenRenewalTests {
    static let sentOnce: [ReplayPolicy] = [
        .onlyIfNotSent(consequence: "it creates a contract"),
        .callerMayRepeat(consequence: "it stamps", advice: "send it again as it is"),
    ]
    static let proves: [TokenRefusal] = [.unauthorized, .refusalText, .forbidden, .genericError]
    static let doesNotProve: [TokenRefusal] = [.tokenWords]

    @Test func theSignalsAreSplitBetweenProofAndHint() {
        #expect(Set(Self.proves + Self.doesNotProve) == Set(TokenRefusal.allCases))
        #expect(Set(Self.proves).isDisjoint(with: Self.doesNotProve))
    }

    /// Reads and safe writes: renewed and repeated once on every signal, as before.
    @Test(arguments: TokenRefusal.allCases)
    func anIdempotentRequestIsRepeatedOnEverySignal(_ refusal: TokenRefusal) {
        #expect(TokenRenewal.after(refusal, replay: .idempotent, renewed: false) == .renewAndRepeat)
        #expect(TokenRenewal.after(refusal, replay: .idempotent, renewed: true) == .returnError)
    }

    /// HTTP 401 and the exact texts say the service did not act: a sent-once write is repeated.
    @Test(arguments: sentOnce, proves)
    func aSentOnceRequestIsRepeatedOnlyOnProof(_ replay: ReplayPolicy, _ refusal: TokenRefusal) {
        #expect(TokenRenewal.after(refusal, replay: replay, renewed: false) == .renewAndRepeat)
        #expect(TokenRenewal.after(refusal, replay: replay, renewed: true) == .returnError)
    }

    /// 403, "error", token + invalid: the service may have acted (the reviewer got 2 contracts).
    @Test(arguments: sentOnce, doesNotProve)
    func aSentOnceRequestIsNotRepeatedOnAHint(_ replay: ReplayPolicy, _ refusal: TokenRefusal) {
        #expect(TokenRenewal.after(refusal, replay: replay, renewed: false) == .returnMayHaveArrived)
        #expect(TokenRenewal.after(refusal, replay: replay, renewed: true) == .returnMayHaveArrived)
    }

    // MARK: - Which signal an answer carries

    static func signal(_ status: Int, _ body: String, authenticated: Bool = true) -> TokenRefusal? {
        let response = HTTPResponse(status: status, contentType: "application/json", body: Array(body.utf8))
        var found = ReadFacts()
        _ = try? FVAnswer.read(response, redactor: Redactor(secrets: []), authenticated: authenticated, found: &found)
        return found.tokenRefusal
    }

    static func answer(_ code: Int, _ message: String) -> String {
        #"{"code": \#(code), "status": "error", "message": "\#(message)"}"#
    }

    @Test func eachAnswerCarriesItsStrongestSignal() {
        #expect(Self.signal(401, "<html>401</html>") == .unauthorized)
        #expect(Self.signal(401, Self.answer(401, "error")) == .unauthorized)
        #expect(Self.signal(200, Self.answer(200, "JWT Token invalid")) == .refusalText)
        #expect(Self.signal(400, Self.answer(400, "Token Bearer erróneo")) == .refusalText)
        #expect(Self.signal(400, Self.answer(400, "Login failed: Email or password incorrect.")) == .refusalText)
        #expect(Self.signal(403, Self.answer(403, "JWT Token invalid")) == .refusalText)
        #expect(Self.signal(403, "<html>403</html>") == .forbidden)
        #expect(Self.signal(403, Self.answer(403, "Forbidden")) == .forbidden)
        #expect(Self.signal(403, Self.answer(403, "error")) == .forbidden)
        #expect(Self.signal(400, Self.answer(400, "error")) == .genericError)
        #expect(Self.signal(400, Self.answer(400, "Pago Webpay: token de transaccion invalido")) == .tokenWords)
        #expect(Self.signal(400, Self.answer(400, "Expired JWT Token")) == .tokenWords)
        #expect(Self.signal(400, Self.answer(400, "Contract not found")) == nil)
        #expect(Self.signal(401, "<html>401</html>", authenticated: false) == nil)
        #expect(Self.signal(400, Self.answer(400, "error"), authenticated: false) == nil)
    }
}
