import Testing
@testable import SelloCore

@Suite struct JSONTests {
    @Test func roundTripKeepsOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,null,-2.5,"x\n\"y\" ñ"],"c":{"d":9007199254740993}}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == text)
        #expect(value["c"]?["d"]?.intValue == 9007199254740993)
    }

    @Test func slashIsNotEscapedAndControlsAre() {
        #expect(JSONWriter.string(.string("a/b\u{01}")) == #""a/b\u0001""#)
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "nul", "{\"a\":1}x", "\"\u{01}\"", "01", "[\"\\ud800\"]"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func unicodeEscapes() throws {
        #expect(try JSONParser.parse(#""\u00f1\ud83d\ude00""#) == .string("ñ😀"))
    }
}
