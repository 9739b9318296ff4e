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
}
