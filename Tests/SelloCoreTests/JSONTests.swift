import CSelloShims
import Testing

@testable import SelloCore

@Suite struct JSONTests {
    @Test func roundTripKeepsOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,null,-2.5,"x\n\"y\" ñ"],"c":{"d":9007199254740993}}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == text)
        #expect(value["c"]?["d"]?.intValue == 9_007_199_254_740_993)
    }

    @Test func slashIsNotEscapedAndControlsAre() {
        #expect(JSONWriter.string(.string("a/b\u{01}")) == #""a/b\u0001""#)
    }

    /// The writer skips eight clean bytes at a time: every ASCII byte, at every offset of a
    /// long string, must still be escaped exactly when JSON requires it and read back intact.
    @Test func everyByteAtEveryOffsetRoundTrips() throws {
        for byte in UInt8(0)...0x7F {
            for offset in 0..<17 {
                let text =
                    String(repeating: "A", count: offset) + String(UnicodeScalar(byte)) + "ñ"
                    + String(repeating: "z", count: 9)
                let written = JSONWriter.string(.string(text))
                #expect(try JSONParser.parse(written).stringValue == text, "byte \(byte) at \(offset)")
                let escaped = byte < 0x20 || byte == 0x22 || byte == 0x5C
                #expect(
                    written.utf8.count == text.utf8.count + 2
                        + (escaped
                            ? (byte == 0x22 || byte == 0x5C || byte == 0x0A || byte == 0x0D || byte == 0x09 ? 1 : 5)
                            : 0))
            }
        }
    }

    /// The parser also reads eight bytes at a time: a raw control character or a byte that is
    /// not UTF-8, at every offset of strings of every length, is still refused (and repaired in
    /// an answer), and non-ASCII text at every offset still read whole.
    @Test func everyBadByteAtEveryOffsetIsSeenByTheParser() throws {
        for length in 1...20 {
            for offset in 0..<length {
                for (bad, isControl) in [(UInt8(0x01), true), (0x1F, true), (0xFF, false), (0x80, false)] {
                    var text = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    text[offset] = bad
                    let document = [UInt8(ascii: "\"")] + text + [UInt8(ascii: "\"")]
                    #expect(throws: JSONParseError.self, "\(bad) at \(offset) of \(length)") {
                        try JSONParser.parse(document)
                    }
                    let repaired = try JSONParser.parseAnswer(document)
                    #expect(repaired.value.stringValue?.utf8.count == (isControl ? length : length + 2))
                }
                var text = Array(repeating: "a", count: length)
                text[offset] = "ñ"
                let word = text.joined()
                #expect(try JSONParser.parse("\"\(word)\"").stringValue == word)
            }
        }
    }

    /// Member names are compared code unit by code unit (RFC 8259 §8.3), not by Swift's
    /// canonical equivalence: the Kelvin sign is not `K`, a decomposed `ñ` is not `ñ`.
    @Test func memberNamesAreComparedByTheirBytes() throws {
        #expect(JSONObject.same("rut", "rut") && !JSONObject.same("rut", "rux"))
        #expect("\u{212A}ey" == "Key" && !JSONObject.same("\u{212A}ey", "Key"))
        #expect("an\u{0303}o" == "año" && !JSONObject.same("an\u{0303}o", "año"))
        let object = try JSONParser.parse(#"{"\u212Aey":1,"Key":2}"#).objectValue
        #expect(object?.members.count == 2 && object?["Key"] == 2)
    }

    @Test(arguments: [Int64.min, Int64.max, 0, -1, 9, 10, -10, 1_000_000_007])
    func integersAreWrittenAsDecimal(_ value: Int64) {
        #expect(JSONWriter.string(.int(value)) == String(value))
    }

    /// Tenths (every `elapsed_ms`) are written without Swift's printer: the same bytes as
    /// `"\(double)"`, which writes every other non-integral number, at every magnitude.
    @Test func tenthsAreWrittenAsTheDoublePrinterWritesThem() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.1, -0.1, 0.5, 1.3, 2.7, 12.3, 99.9, 100.1, -123.4, 1e14 + 0.5, 99_999_999_999_999.9]
        for k in Int64(-2_000)...2_000 { values.append(Double(k) / 10) }
        for digits in 1...15 {
            let limit = (0..<digits).reduce(Int64(1)) { value, _ in value * 10 }
            for _ in 0..<200 {
                let k = Int64.random(in: -limit..<limit, using: &generator)
                values.append(Double(k) / 10)
                values.append(Double(k) / 100) // not tenths: the printer's
                values.append(Double(bitPattern: (Double(k) / 10).bitPattern &+ 1)) // next to tenths
            }
        }
        for value in values {
            let expected = value.rounded() == value && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
            #expect(JSONWriter.string(.double(value)) == expected, "\(value)")
        }
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

    /// Whether a text needs escaping, eight bytes at a time: each byte JSON escapes is seen at
    /// every position of texts of every length around a word, and nothing in texts without one.
    @Test func aByteToEscapeIsSeenAtEveryPosition() {
        func needs(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { JSONWriter.needsEscape($0) } }
        for length in 0...20 {
            let plain = [UInt8](repeating: UInt8(ascii: "/"), count: length)
            #expect(!needs(plain) && !needs(plain.map { _ in 0xC3 }) && !needs(plain.map { _ in 0x7F }))
            for position in 0..<length {
                for byte: UInt8 in [0x00, 0x0A, 0x1F, 0x22, 0x5C, 0x20, 0x21, 0x80] {
                    var text = plain
                    text[position] = byte
                    #expect(needs(text) == (byte < 0x20 || byte == 0x22 || byte == 0x5C), "\(byte) at \(position)")
                }
            }
        }
    }

    /// A JSON string's bytes escaped one by one, as JSONWriter wrote them before it copied runs
    /// sixteen bytes at a time (`jsonshim_copy_plain`).
    static func escapedByteByByte(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in bytes {
            switch byte {
            case 0x22, 0x5C: out += [0x5C, byte]
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        return out + [0x22]
    }

    /// The runs copied sixteen, eight or four bytes at a time: every byte at every position of
    /// texts of every length up to three blocks, alone and with a second one after it, is
    /// written as the byte-by-byte escaping writes it.
    @Test func stringsAreWrittenAsByteByByteEscaping() {
        for length in 0...49 {
            let plain = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            var texts = [plain, plain.map { _ in 0xC3 }, plain.map { _ in 0x7F }]
            for position in 0..<length {
                for byte: UInt8 in [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x22, 0x2F, 0x5C, 0x80, 0xFF] {
                    var text = plain
                    text[position] = byte
                    texts.append(text)
                    if position + 3 < length {
                        text[position + 3] = 0x22
                        texts.append(text)
                    }
                }
            }
            for text in texts {
                var writer = JSONWriter(capacity: 16)
                text.withUnsafeBufferPointer { writer.writeString(utf8: $0) }
                #expect(writer.bytes == JSONTests.escapedByteByByte(text), "\(text)")
            }
        }
    }

    /// `jsonshim_copy_plain` stops at the first byte to escape and writes nothing past the
    /// length it is given.
    @Test func plainRunsAreCopiedWithinTheirLength() {
        for length in 0...40 {
            for position in 0...length {
                var text = [UInt8](repeating: UInt8(ascii: "x"), count: length)
                if position < length { text[position] = 0x5C }
                var out = [UInt8](repeating: 0xEE, count: length + 16)
                let copied = text.withUnsafeBufferPointer { source in
                    out.withUnsafeMutableBufferPointer { target in
                        jsonshim_copy_plain(target.baseAddress, source.baseAddress, length)
                    }
                }
                #expect(copied == position)
                #expect(out[..<position].allSatisfy { $0 == UInt8(ascii: "x") })
                #expect(out[length...].allSatisfy { $0 == 0xEE })
            }
        }
    }
}
