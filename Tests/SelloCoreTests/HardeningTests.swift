// Unit tests of the pieces issue 12 hardened (the defects themselves are tested through the C
// interface in Tests/python/test_hardening_*.py). The token, Redactor, LogText, retry bounds,
// proxy and deadline tests are in their pieces' files (FVTokenTests, RedactorTests, LogTextTests,
// RetryPolicyTests, ProxySettingTests, CallDeadlineTests).
import Testing

@testable import SelloCore

@Suite struct AnswerJSONTests {
    @Test(
        arguments: [
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
        let bytes =
            Array("[".utf8) + Array(repeating: Array("0,".utf8), count: 3_000_000).flatMap { $0 } + Array("0]".utf8)
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
        let bytes =
            Array("<r>".utf8) + Array(repeating: Array("<a/>".utf8), count: 2_000_000).flatMap { $0 }
            + Array("</r>".utf8)
        guard case .failure(let failure) = parseXML(bytes) else {
            Issue.record("2,000,000 elements were read")
            return
        }
        #expect(failure.tooComplex)
    }

    @Test func aRequestsXMLHasABudgetOfItsOwn() throws {
        // 3 MB of small elements with attributes, as a CFDI's: past an answer's budget of its size
        // plus 8 MiB, within a request's (eight times the 8 MiB request limit).
        let element = #"<a x="1" y="2" z="3" w="4"/>"#
        let bytes = Array(("<r>" + String(repeating: element, count: 110_000) + "</r>").utf8)
        guard case .failure(let failure) = parseXML(bytes), failure.tooComplex else {
            Issue.record("read within an answer's budget: the test no longer shows the difference")
            return
        }
        #expect(try parseRequestXML(bytes).get().children.count == 110_000)
        let tiny = Array(("<r>" + String(repeating: "<a/>", count: 2_000_000) + "</r>").utf8)
        guard case .failure(let refused) = parseRequestXML(tiny) else {
            Issue.record("2,000,000 elements were read")
            return
        }
        #expect(refused.tooComplex && refused.message.contains("64 MiB"))
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
