import Testing

@testable import SelloCore

/// A 2xx answer that cannot be read reached the service, which may have acted on it: the error
/// says what its replay policy says after any other answer that may have arrived (an HTTP 502, a
/// timeout), so that a FES certificate, a stamp or a contract is not taken for "nothing happened".
@Suite struct UnreadableAnswerTests {
    static let fesConsequence = "a certificate may have been issued and the company's quota spent"

    static func response(_ status: Int, _ body: String, replay: ReplayPolicy) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/html", body: Array(body.utf8), replay: replay)
    }

    @Test(arguments: ["<!DOCTYPE html><html><body>Proxy</body></html>", "", #"{"Estado":"OK"}"#])
    func anUnreadable2xxAfterACostlyRequestSaysItMayHaveBeenActedOn(_ body: String) {
        let replay = ReplayPolicy.onlyIfNotSent(consequence: Self.fesConsequence)
        let error = AnswerFormat.fes.unreadable(
            Self.response(200, body, replay: replay), redactor: Redactor(secrets: []))
        #expect((error.kind, error.code.name, error.retryable) == (.protocol, "INVALID_ANSWER", false))
        #expect(error.message.hasPrefix("FES's answer is not its documented JSON"))
        // Worded once, by the policy, exactly as after an HTTP 502.
        let note = try? #require(replay.afterPossibleArrival)
        #expect(error.message.hasSuffix("; " + (note ?? "?")), "\(error.message)")
        #expect(error.message.contains(Self.fesConsequence))
        #expect(error.details?["sample"]?.stringValue == Redactor(secrets: []).sample(Array(body.utf8)))
        #expect(error.details?["http_status"] == 200)
    }

    @Test func aRequestTheCallerMayRepeatSaysSoAndIsRetryable() {
        let replay = ReplayPolicy.callerMayRepeat(consequence: "a CFDI may have been stamped", advice: "send it again")
        let error = AnswerFormat.prodigia.unreadable(
            Self.response(200, "<html/>", replay: replay), redactor: Redactor(secrets: []), problem: "not XML")
        #expect(error.retryable && error.message.hasSuffix("; " + (replay.afterPossibleArrival ?? "?")))
    }

    @Test func aReadOnlyRequestIsWordedAsBefore() {
        let error = AnswerFormat.firmaVirtual.unreadable(
            Self.response(200, "<html/>", replay: .idempotent), redactor: Redactor(secrets: []))
        #expect(error.message == "Firma Virtual's answer is not its documented JSON {code, status, message}: <html/>")
        #expect(!error.retryable)
    }

    /// Statuses other than 2xx keep their own errors (a 5xx's note comes from the transport).
    @Test(arguments: [(401, ErrorKind.auth), (404, ErrorKind.http)])
    func otherStatusesAreUnchanged(_ status: Int, _ kind: ErrorKind) {
        let replay = ReplayPolicy.onlyIfNotSent(consequence: Self.fesConsequence)
        let error = AnswerFormat.fes.unreadable(
            Self.response(status, "<html/>", replay: replay), redactor: Redactor(secrets: []))
        #expect(error.kind == kind && !error.message.contains(Self.fesConsequence))
    }

    /// The transport hands the reader its request's policy with the answer.
    @Test func theAnswerCarriesItsRequestsPolicy() {
        let plain = HTTPResponse(status: 200, contentType: nil, body: [])
        #expect(plain.replay.afterPossibleArrival == nil)
    }

    /// A status without the service's own answer says what it most often means: 404 the base_url,
    /// 414 the query string's values; other statuses only show the sample.
    @Test func someStatusesSayWhatToChange() {
        let replay = ReplayPolicy.onlyIfNotSent(consequence: "a CFDI may have been stamped")
        let message = { (status: Int) in
            AnswerFormat.prodigia.unreadable(
                Self.response(status, "<html>x</html>", replay: replay), redactor: Redactor(secrets: [])
            ).message
        }
        #expect(message(404).contains("check base_url"))
        // Which setting, and where the request went, without its query string (the audit's
        // r7_fes_full_url.py: field null, the path not said).
        let answer = HTTPResponse(
            status: 404, contentType: "text/html", body: Array("<html>x</html>".utf8), replay: replay, method: .post,
            base: "https://pruebas.pade.mx/servicio/rest", path: "/integracion/consultaCfdiPorUUID")
        let notFound = AnswerFormat.prodigia.unreadable(answer, redactor: Redactor(secrets: []))
        #expect((notFound.kind, notFound.code.name, notFound.field) == (.http, "HTTP_404", "base_url"))
        #expect(
            notFound.message.hasPrefix(
                "Prodigia answered HTTP 404 without its XML answer to "
                    + "POST https://pruebas.pade.mx/servicio/rest/integracion/consultaCfdiPorUUID (check base_url"))
        #expect(
            AnswerFormat.prodigia.unreadable(Self.response(418, "x", replay: replay), redactor: .init(secrets: []))
                .field == nil)
        #expect(message(414).contains("query string") && message(414).contains("nothing was processed"))
        #expect(!message(418).contains("(") && message(418).hasSuffix("<html>x</html>"))
    }

    /// A 414 says what helps for the operation that was refused, and names the request field that
    /// is most of its query (audit 2026-12-08: a cancellation was sent to two stamping operations).
    @Test func a414SaysWhatHelpsTheOperationAndNamesTheLongField() {
        var request = HTTPRequest(.post, "/cancelacion/cancelar", replay: .idempotent)
        request.query = [
            ("contrato", "C"), ("arregloUUID", String(repeating: "u", count: 90)), ("keyPass", "12345678a"),
        ]
        request.longQuery = LongQuery(
            fields: ["arregloUUID": "uuids", "keyPass": "keyPass"], remedy: "Send fewer UUIDs")
        let answer = HTTPResponse(
            status: 414, contentType: "text/html", body: Array("<html>x</html>".utf8), tooLong: LongQueryAdvice(request)
        )
        let error = AnswerFormat.prodigia.unreadable(answer, redactor: Redactor(secrets: []))
        #expect(error.field == "uuids" && error.message.contains("nothing was processed. Send fewer UUIDs)"))
        #expect(!error.message.contains("cfdi_process_file_with_csd"))
        let plain = AnswerFormat.prodigia.unreadable(
            Self.response(414, "x", replay: .idempotent), redactor: Redactor(secrets: []))
        #expect(plain.field == nil && plain.message.contains("Send fewer values at a time"))
    }

    /// ANSWER_TOO_COMPLEX comes from readers that know only the answer's bytes: the envelope
    /// (`Reply`) says it as INVALID_ANSWER does, from the answered request's replay policy.
    @Test func aTooComplexAnswerSaysWhatItsReplayPolicySays() {
        let replay = ReplayPolicy.onlyIfNotSent(consequence: Self.fesConsequence)
        let error = AnswerJSON.tooComplex(10).afterAnswer(replay)
        #expect((error.kind, error.code.name, error.retryable) == (.protocol, "ANSWER_TOO_COMPLEX", false))
        #expect(error.message.hasSuffix("; " + (replay.afterPossibleArrival ?? "?")), "\(error.message)")
        let read = AnswerJSON.tooComplex(10).afterAnswer(.idempotent)
        #expect(read.message == AnswerJSON.tooComplex(10).message && !read.retryable)
        let repeatable = ReplayPolicy.callerMayRepeat(consequence: "a stamp", advice: "send it again")
        #expect(AnswerJSON.tooComplex(10).afterAnswer(repeatable).retryable)
        // Other errors of a call that had an answer say what their own code says.
        let other = SelloError(.protocol, .certificateMissing, "no certificate").afterAnswer(replay)
        #expect(other.message == "no certificate")
    }
}
