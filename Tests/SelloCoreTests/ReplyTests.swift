import Testing

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// A call's envelope is written straight into the C caller's buffer (`Reply.cString`, issue 13)
/// and as JSON for a batch and for Swift (`Reply.json`): both must be the same bytes, masked the
/// same way, whatever the envelope holds.
@Suite struct ReplyTests {
    static func scope() -> CallScope {
        CallScope(
            service: "fes", operation: "obtain_certificate",
            hooks: CallHooks(redactor: Redactor(secrets: ["Secreta123", "pa\"ss/wörd"])))
    }

    static func facts(warnings: [Warning], status: Int?, serviceCode: Int?, attempts: Int) -> CallFacts {
        var facts = CallFacts()
        facts.warnings = warnings
        facts.httpStatus = status
        facts.serviceCode = serviceCode
        facts.attempts = attempts
        return facts
    }

    static let warnings = [
        Warning(kind: .validation, code: .certificateUnreadable, message: "it echoed Secreta123", field: "rut"),
        Warning(kind: .io, code: .writeFailed, message: "no field"),
    ]

    static let outcomes: [Reply.Outcome] = [
        .success(["estado": "OK", "Secreta123": "pa\"ss/wörd", "certificado": "Secreta123", "n": [1, 2.5, nil, true]]),
        .success(.null),
        .failure(
            SelloError(
                .service, .fesUndocumentedError, "FES said Secreta123", serviceCode: 999, field: "x",
                details: ["sample": "…Secreta123…", "retry_after_ms": 10])),
        .failure(.invalidArgument("the request is not valid JSON", code: .invalidJson)),
    ]

    @Test func theBufferHoldsTheBytesOfTheJSON() throws {
        for outcome in Self.outcomes {
            for warnings in [[], Self.warnings] {
                for (status, serviceCode) in [(nil, nil), (200, nil), (500, 7) as (Int?, Int?)] {
                    let facts = Self.facts(warnings: warnings, status: status, serviceCode: serviceCode, attempts: 2)
                    let reply = Reply(outcome, scope: Self.scope(), facts: facts)
                    let pointer = try #require(reply.cString())
                    defer { free(pointer) }
                    let written = String(cString: pointer)
                    #expect(written == JSONWriter.string(reply.json))
                    #expect(!written.contains("Secreta123") || written.contains(#""certificado":"Secreta123""#))
                }
            }
        }
    }

    /// Texts that hold a secret in each form the redactor masks, or nearly: as it is, JSON- and
    /// HTML-escaped, percent-encoded, with `+` for a space, canonically equivalent, after
    /// "Bearer ", and innocent look-alikes. `cString` looks at what it wrote once and writes the
    /// masked envelope only when that look finds something (issue 13): it must give the bytes
    /// `json` gives, which masks string by string.
    static let trickyTexts = [
        "", "nada", "Secreta123", "xSecreta123y", "Secreta12", "Secreta%31%323", "Secreta%313+", "una clave",
        "una+clave", "una%20clave", "pa\"ss/wörd", "pa\\\"ss\\/w\\u00f6rd", "pa&quot;ss/wörd",
        "pa\"ss/wo\u{308}rd", "Bearer ", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x", "Token Bearer erróneo",
        "Ñandú", "a\nb\u{1}c", "50%", "1+1", "cla\"ve/9x", "cla\\\"ve\\/9x", "cla\\\"ve/9x", "cla&quot;ve/9x",
        "tab\tclave", ReplyTests.longSecret, "a " + ReplyTests.wrapped(64, "\n"), ReplyTests.wrapped(76, "\r\n"),
        "x" + ReplyTests.wrapped(64, "\n").dropLast(3), "line\nbreak", "Secreta&#49;23", "Secret\\u0061123",
        "Secreta12%253", "pa&quot;ss/w&ouml;rd", "a&b", "x\\y", "Secreta&#49;2", "ContraseÃ±a1", "Contrase&ntilde;a1",
    ]

    /// A CSD key's base64 stand-in (a secret long enough to come back broken into lines).
    static let longSecret = String(repeating: "MIIFDjBABgkqhkiG9w0BBQ0wMzAb+/", count: 6)

    static func wrapped(_ width: Int, _ newline: String) -> String {
        var lines: [Substring] = []
        var rest = Substring(longSecret)
        while !rest.isEmpty {
            lines.append(rest.prefix(width))
            rest = rest.dropFirst(width)
        }
        return lines.joined(separator: newline)
    }

    static let redactors = [
        Redactor(secrets: ["Secreta123"]), Redactor(secrets: ["una clave", "Secreta123"]),
        Redactor(secrets: ["pa\"ss/wörd"]), Redactor(secrets: ["clave\\x", "Ñandú1"]), Redactor(secrets: []),
        Redactor(secrets: ["cla\"ve/9x"]), Redactor(secrets: ["tab\tclave"]),
        Redactor(secrets: [ReplyTests.longSecret, "Secreta123"]), Redactor(secrets: ["Contraseña1"]),
    ]

    @Test func oneLookAtTheWrittenEnvelopeMasksWhatStringByStringMasks() throws {
        for redactor in Self.redactors {
            let scope = CallScope(service: "fes", operation: "obtain_certificate", hooks: CallHooks(redactor: redactor))
            for text in Self.trickyTexts {
                let warning = Warning(kind: .io, code: .writeFailed, message: text, field: "f")
                let outcomes: [Reply.Outcome] = [
                    .success(["estado": .string(text), "certificado": .string(text)]),
                    .success(.object(JSONObject([(text, "v"), ("n", [.string(text), 1])]))),
                    .success(.string(text)),
                    // Documents (never masked) at any depth, in a document, beside what is masked.
                    .success(
                        .object(
                            JSONObject([
                                ("items", [["xml": .string(text), "n": .string(text)], .string(text)]),
                                ("certificado", ["xml": .string(text), "k": .string(text)]), ("z", .string(text)),
                            ]))),
                    .failure(SelloError(.service, .fesUndocumentedError, text, details: ["sample": .string(text)])),
                ]
                for outcome in outcomes {
                    for warnings in [[], [warning]] {
                        let facts = Self.facts(warnings: warnings, status: 200, serviceCode: nil, attempts: 1)
                        let reply = Reply(outcome, scope: scope, facts: facts)
                        let pointer = try #require(reply.cString())
                        defer { free(pointer) }
                        #expect(String(cString: pointer) == JSONWriter.string(reply.json), "'\(text)'")
                    }
                }
            }
        }
    }
}
