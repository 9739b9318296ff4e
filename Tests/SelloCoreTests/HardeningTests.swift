// Unit tests of the pieces issue 12 hardened (the defects themselves are tested through the C
// interface in Tests/python/test_hardening_*.py).
import Testing
@testable import SelloCore

@Suite struct TokenLifetimeTests {
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
}

@Suite struct RedactorTests {
    let redactor = Redactor(secrets: ["Cl@ve S3/\"x\\+ñ", "pade_user:Pade-Pass-77"])

    @Test(arguments: [
        "Cl%40ve%20S3%2F%22x%5C%2B%C3%B1", "Cl%40ve+S3/%22x%5c%2b%c3%b1", "Cl@ve+S3%2f\"x\\%2Bñ",
        #"Cl@ve S3/\"x\\+ñ"#, #"Cl@ve S3\/\"x\\+\u00f1"#, #"Cl@ve S3\/\"x\\+\u00F1"#, "Cl@ve S3/&quot;x\\+ñ",
    ])
    func everyEncodedFormIsMasked(_ form: String) {
        let text = "before \(form) after"
        #expect(redactor.scrub(text) == "before *** after", "\(form)")
    }

    @Test func aCaseChangeOfTheSecretItselfIsNotTheSecret() {
        #expect(redactor.scrub("cl@ve s3/\"x\\+ñ") == "cl@ve s3/\"x\\+ñ")
    }

    @Test func shortSecretsAreNotRegistered() {
        #expect(Redactor(secrets: ["abc"]).secrets.isEmpty)
        #expect(Redactor(secrets: ["abcd"]).secrets == ["abcd"])
    }

    @Test func envelopesAreMaskedKeysIncludedDocumentsExcepted() {
        let redactor = Redactor(secrets: ["Secret-42"])
        let data: JSON = ["Secret-42": ["x": "a Secret-42"], "certificado": "QUJDSecret-42", "list": ["Secret-42"]]
        #expect(JSONWriter.string(redactor.scrub(json: data)) == #"{"***":{"x":"a ***"},"certificado":"QUJDSecret-42","list":["***"]}"#)
    }

    @Test(arguments: ["user:pw-secret@host/x", "http:u:pw-secret@host", "//u:pw-secret@host", "http:\\\\u:pw-secret@host\\x",
                      "https://h/x#pw-secret", "https://h/x?t=pw-secret", "https://u:pw-secret@h/x"])
    func urlsNeverShowUserinfoQueryOrFragment(_ url: String) {
        #expect(!Redactor(secrets: []).scrubURL(url).contains("pw-secret"))
    }

    @Test(arguments: [("abcdef", "def", true), ("abcdef", "abd", false), ("ab", "abc", false), ("", "a", false),
                      ("abc", "", true), ("xxSecret-42", "Secret-42", true), ("Secret-4", "Secret-42", false)])
    func byteSearch(_ haystack: String, _ needle: String, _ expected: Bool) {
        let found = haystack.withUTF8Bytes { text in needle.withUTF8Bytes { Redactor.bytes(text, contain: $0) } }
        #expect(found == expected)
    }

    @Test func aBearerWordIsNotAToken() {
        #expect(Redactor(secrets: []).scrub("Token Bearer erróneo") == "Token Bearer erróneo")
        #expect(Redactor(secrets: []).scrub("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x") == "Authorization: Bearer ***")
    }
}

@Suite struct LogTextTests {
    @Test func controlCharactersAreEscaped() {
        #expect(LogText.escape("a\r\nb\tc\u{1B}[31m\u{2028}d\u{85}") == #"a\r\nb\tc\x1B[31m\u2028d\x85"#)
        #expect(LogText.escape("plain ñ → ok") == "plain ñ → ok")
    }
}

@Suite struct AnswerJSONTests {
    @Test(arguments: [
        ([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8), "byte order mark"),
        (Array(#"{"a":"x"#.utf8) + [0xE9] + Array(#""}"#.utf8), "not UTF-8"),
        (Array(#"{"a":"\ud800x"}"#.utf8), "unpaired surrogate"),
        (Array(#"{"a":"\ud800\u0041"}"#.utf8), "unpaired surrogate"),
        (Array("{\"a\":\"x\ty\"}".utf8), "control character"),
        (Array(#"{"a":1}"#.utf8) + [0, 0], "NUL bytes"),
    ] as [([UInt8], String)])
    func strayBytesAreRepairedAndReported(_ bytes: [UInt8], _ expected: String) throws {
        let (value, repairs) = try JSONParser.parseAnswer(bytes)
        #expect(value["a"] != nil)
        #expect(repairs.contains { $0.contains(expected) }, "\(repairs)")
    }

    @Test func theSecondEscapeOfABrokenPairIsKept() throws {
        #expect(try JSONParser.parseAnswer(Array(#""\ud800\u0041""#.utf8)).value == .string("\u{FFFD}A"))
    }

    @Test func strictJSONHasNoRepairs() throws {
        #expect(try JSONParser.parseAnswer(Array(#"{"a":"ñ"}"#.utf8)).repairs.isEmpty)
    }

    @Test func structuralDamageIsStillAnError() {
        #expect(throws: JSONParseError.self) { try JSONParser.parseAnswer(Array(#"{"a":1"#.utf8)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parseAnswer(Array(#"{"a":1}x"#.utf8)) }
    }

    @Test func tinyValuesBeyondTheBudgetAreTooComplex() {
        let bytes = Array("[".utf8) + Array(repeating: Array("0,".utf8), count: 3_000_000).flatMap { $0 } + Array("0]".utf8)
        do {
            _ = try JSONParser.parseAnswer(bytes)
            Issue.record("a 6 MB array of zeros was read")
        } catch {
            #expect(error.tooComplex)
        }
    }

    @Test func aBigStringIsNotTooComplex() throws {
        let bytes = Array(#"{"a":""#.utf8) + Array(repeating: UInt8(ascii: "A"), count: 30_000_000) + Array(#""}"#.utf8)
        #expect(try JSONParser.parseAnswer(bytes).value["a"]?.stringValue?.utf8.count == 30_000_000)
    }
}

@Suite struct XMLLimitTests {
    @Test func manyAttributesAreTooComplex() {
        let attributes = (0...XMLLimits.maxAttributes).map { "a\($0)=\"1\"" }.joined(separator: " ")
        guard case .failure(let failure) = parseXML(Array("<r><x \(attributes)/></r>".utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.tooComplex)
    }

    @Test func attributesAtTheLimitAndEqualsInValuesAreFine() throws {
        let attributes = (1...XMLLimits.maxAttributes).map { "a\($0)=\"x=y=z\"" }.joined(separator: " ")
        let root = try parseXML(Array("<r><!-- a=b=c --><x \(attributes)/><![CDATA[ = = = ]]></r>".utf8)).get()
        #expect(root.children.first?.attributes.count == XMLLimits.maxAttributes)
    }

    @Test func tinyElementsBeyondTheBudgetAreTooComplex() {
        let bytes = Array("<r>".utf8) + Array(repeating: Array("<a/>".utf8), count: 2_000_000).flatMap { $0 } + Array("</r>".utf8)
        guard case .failure(let failure) = parseXML(bytes) else {
            Issue.record("2,000,000 elements were read")
            return
        }
        #expect(failure.tooComplex)
    }

    @Test func aTextNodeOver10MBIsRead() throws {
        let text = [UInt8](repeating: UInt8(ascii: "Q"), count: 12_000_000)
        let root = try parseXML(Array("<r><pdfBase64>".utf8) + text + Array("</pdfBase64></r>".utf8)).get()
        #expect(root.child("pdfBase64")?.text.utf8.count == 12_000_000)
    }

    @Test func aDoctypeIsStillRefused() {
        guard case .failure(let failure) = parseXML(Array("<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>".utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.message.contains("DOCTYPE"))
    }

    @Test func answersAreRepairedDocumentsAreNot() throws {
        let bytes = Array("<r><m>a".utf8) + [0xFF, 0x00, 0x01] + Array("b</m><u>X</u></r>".utf8)
        #expect(throws: XMLFailure.self) { try parseXML(bytes).get() }
        let answer = try parseXMLAnswer(bytes).get()
        #expect(answer.root.child("u")?.text == "X")
        #expect(answer.root.child("m")?.text == "a\u{FFFD}\u{FFFD}\u{FFFD}b")
        #expect(answer.repairs.count == 2)
    }
}

@Suite struct ConfigurationBoundsTests {
    @Test func retryDelaysAreBounded() {
        var policy = RetryPolicy()
        policy.baseDelayMs = RetryPolicy.maxBaseDelayMs + 1
        policy.maxDelayMs = RetryPolicy.maxMaxDelayMs
        #expect(throws: SelloError.self) { try policy.check() }
        policy.baseDelayMs = RetryPolicy.maxBaseDelayMs
        #expect(throws: Never.self) { try policy.check() }
    }

    @Test(arguments: ["http://u:pw-secret@bad host:1", "gopher://h:1", "http://h:99999", "http://:1", "http://h:1/?q"])
    func malformedProxiesAreRefusedWithoutTheirPassword(_ proxy: String) {
        do {
            _ = try ProxySetting(proxy)
            Issue.record("accepted \(proxy)")
        } catch {
            #expect(error.code.name == "BAD_PROXY")
            #expect(!error.message.contains("pw-secret"))
        }
    }

    @Test func aProxyWithoutSchemeIsHTTPAndItsSecretsAreKnown() throws {
        let proxy = try ProxySetting("sello:p%40ss-word@127.0.0.1:3128")
        #expect(proxy.url == "http://sello:p%40ss-word@127.0.0.1:3128" && proxy.isLoopback)
        #expect(proxy.secrets.contains("p@ss-word") && proxy.secrets.contains(Base64.encode(Array("sello:p@ss-word".utf8))))
    }
}

@Suite struct CallDeadlineTests {
    @Test func aRetryThatWouldEndPastTheDeadlineIsNotMade() {
        let deadline = CallDeadline(hooks: CallHooks(), timeoutMs: 1000)
        let error = SelloError(.http, .rateLimited, "wait", retryable: true)
        guard case .fail(let final) = deadline.bounded(.retry(error, delayMs: 3000)) else {
            Issue.record("a 3 s wait was allowed within a 1 s deadline")
            return
        }
        #expect(final.retryable && final.code.name == "RATE_LIMITED")
        guard case .retry = deadline.bounded(.retry(error, delayMs: 10)) else {
            Issue.record("a short wait was refused")
            return
        }
    }

    @Test func anExpiredDeadlineSendsNothing() {
        let deadline = CallDeadline(hooks: CallHooks(), timeoutMs: 1, start: .now - .seconds(1))
        #expect(throws: SelloError.self) { try deadline.remainingForAttempt() }
    }
}
