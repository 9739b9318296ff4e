import Testing

@testable import SelloCore

/// Problems (issue 13): every check runs, the first problem is what is thrown, every one is in
/// `details.problems`, a member's problems are named inside the member.
@Suite struct ProblemsTests {
    static func fails(_ field: String?, _ code: ErrorCode = .emptyField) throws(SelloError) -> String {
        throw SelloError(.validation, code, "'\(field ?? "")' is wrong", field: field)
    }

    static func listed(_ error: SelloError) -> [String?] {
        (error.details?["problems"]?.arrayValue ?? []).map { $0.objectValue?["field"]?.stringValue }
    }

    @Test func noProblemThrowsNothingAndKeepsEveryValue() throws {
        var problems = Problems()
        var body = JSONObject()
        problems.append("a", to: &body) { () throws(SelloError) in "1" }
        #expect(problems.check { () throws(SelloError) in 2 } == 2)
        try problems.throwIfAny()
        #expect(body["a"] == .string("1") && problems.isEmpty)
    }

    @Test func everyCheckRunsAndTheFirstProblemIsThrownWithAll() {
        var problems = Problems()
        var body = JSONObject()
        var ran = 0
        problems.append("a", to: &body) { () throws(SelloError) in try Self.fails("a") }
        problems.check { () throws(SelloError) in ran += 1 }
        problems.check { () throws(SelloError) in try Self.fails("b", .emailInvalid) }
        #expect(ran == 1 && body["a"] == nil)
        do {
            try problems.throwIfAny()
            Issue.record("two problems and nothing thrown")
        } catch {
            #expect(error.field == "a" && error.code == .emptyField)
            #expect(Self.listed(error) == ["a", "b"])
        }
    }

    /// A check that found several problems at once (a CSD's missing parts) counts each.
    @Test func aCheckThatFoundSeveralProblemsKeepsEach() {
        let several = [
            SelloError(.validation, .missingField, "no key", field: "key"),
            SelloError(.validation, .missingField, "no pass", field: "pass"),
        ]
        var problems = Problems()
        problems.check { () throws(SelloError) in try Self.fails("first") }
        problems.check { () throws(SelloError) in throw several[0].withProblems(several) }
        problems.check(prefix: "csd") { () throws(SelloError) in throw several[0].withProblems(several) }
        #expect(problems.found.map(\.field) == ["first", "key", "pass", "csd.key", "csd.pass"])
        do {
            try problems.throwIfAny()
        } catch {
            #expect(Self.listed(error) == ["first", "key", "pass", "csd.key", "csd.pass"])
        }
    }

    @Test func aSingleProblemIsThrownAlone() {
        var problems = Problems()
        problems.check { () throws(SelloError) in try Self.fails("a") }
        #expect(throws: SelloError.self) { try problems.throwIfAny() }
        do { try problems.throwIfAny() } catch { #expect(error.details == nil) }
    }

    @Test func aMembersProblemsAreNamedInsideIt() {
        var own = Problems()
        own.check { () throws(SelloError) in try Self.fails("email") }
        own.check { () throws(SelloError) in try Self.fails("signers[1].rutId") } // already inside
        own.check { () throws(SelloError) in try Self.fails(nil) }
        var problems = Problems()
        problems.add(own, prefix: "signers[1]")
        problems.check(prefix: "file_order[0]") { () throws(SelloError) in try Self.fails("ind") }
        #expect(
            problems.found.map(\.field) == [
                "signers[1].email", "signers[1].rutId", "signers[1]", "file_order[0].ind",
            ])
        #expect(problems.found[0].message == "'signers[1].email' is wrong")
    }
}
