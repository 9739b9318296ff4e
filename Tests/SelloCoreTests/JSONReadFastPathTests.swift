import Testing

@testable import SelloCore

/// The answer parser's fast paths (issue 13) against the code they replaced: the word-at-a-time
/// string scan against a byte-by-byte one, the UTF-8 check by round trip against
/// `String(validating:)`, the integer summed from its digits against `Int64(String)`.
@Suite struct JSONReadFastPathTests {
    /// A deterministic generator (the tests must fail the same way every run).
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    /// What the byte-by-byte scan it replaced found: the first `"`, `\\` or control character at
    /// or after `start`, and whether a byte before it is 0x80 or above.
    static func referenceStop(_ bytes: [UInt8], from start: Int) -> (index: Int, ascii: Bool) {
        var ascii = true
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return (index, ascii)
    }

    /// Every stop byte at every position of texts around two words long, with and without a
    /// non-ASCII byte before or after it, from every starting offset.
    @Test func theStringScanStopsWhereTheByteByByteOneDid() {
        let fillers: [UInt8] = [0x41, 0x20, 0x7F, 0xC3, 0xFF, 0x21, 0x5B, 0x5D]
        for length in 0...19 {
            for position in 0...length {
                for stop: UInt8 in [0x22, 0x5C, 0x00, 0x0A, 0x1F, 0x20] {
                    for filler in fillers {
                        var text = [UInt8](repeating: 0x61, count: length)
                        if position < length { text[position] = stop }
                        if length > 0 { text[(position * 7 + 3) % length] = filler }
                        if position < length { text[position] = stop }
                        for start in 0...min(length, 9) {
                            let found = text.withUnsafeBufferPointer { buffer in
                                var cursor = JSONParser.Cursor(bytes: buffer)
                                cursor.index = start
                                var ascii = true
                                cursor.skipToStringStop(ascii: &ascii)
                                return (cursor.index, ascii)
                            }
                            let expected = Self.referenceStop(text, from: start)
                            #expect(found == expected, "\(text) from \(start)")
                        }
                    }
                }
            }
        }
    }

    /// Random byte strings, mostly UTF-8 with some damage: the round trip says valid exactly
    /// when `String(validating:)` does, and reads the same string.
    @Test func theUTF8CheckAgreesWithStringValidating() {
        var generator = Generator(state: 13)
        let pieces: [[UInt8]] = [
            [0x61], [0xC3, 0xB1], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xED, 0xA0, 0x80], [0xC0, 0xAF],
            [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFF], [0xEF, 0xBF, 0xBD], [0x00], [0xC3],
        ]
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                let piece =
                    Int.random(in: 0..<4, using: &generator) == 0
                    ? pieces.randomElement(using: &generator) ?? []
                    : pieces[Int.random(in: 0..<4, using: &generator)]
                bytes += piece
            }
            bytes.withUnsafeBufferPointer { buffer in
                let string = String(decoding: buffer, as: UTF8.self)
                let valid = String(validating: buffer, as: UTF8.self)
                #expect(JSONParser.holds(string, exactly: buffer) == (valid != nil), "\(bytes)")
                if let valid { #expect(valid == string && valid.utf8.elementsEqual(buffer)) }
            }
        }
    }

    /// Integer texts at and around Int64's limits, and random ones of every length.
    @Test func integersAreReadAsInt64ReadsThem() {
        var texts = [
            "0", "-0", "1", "-1", "9", "10", "-10", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "99999999999999999999",
            "-", "", "12a", "1-", "0000", "-0009",
        ]
        var generator = Generator(state: 7)
        for digits in 1...21 {
            for _ in 0..<50 {
                let text = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
                texts += [text, "-" + text]
            }
        }
        for text in texts {
            let read = Array(text.utf8).withUnsafeBufferPointer { JSONParser.integer($0) }
            #expect(read == Int64(text), "\(text)")
        }
    }

    /// Through the parser: integers, and numbers past Int64 read as doubles, as before.
    @Test func numbersReadAsBefore() throws {
        let value = try JSONParser.parse(
            #"[0,-0,9223372036854775807,9223372036854775808,-9223372036854775809,1.5,-2e3,12]"#)
        #expect(
            value == [0, 0, .int(.max), 9_223_372_036_854_775_808.0, -9_223_372_036_854_775_809.0, 1.5, -2000.0, 12])
    }

    /// An answer with a comuna in Spanish and an accent in each word position reads whole, strict
    /// and repaired; damage at the same places is still found.
    @Test func accentedTextIsReadAndDamageFound() throws {
        for text in ["Viña del Mar", "ñ", "añoañoañoaño", "Concepción ñandú", "aaaaaaañ"] {
            let document = Array("{\"comuna\":\"\(text)\"}".utf8)
            #expect(try JSONParser.parse(document)["comuna"]?.stringValue == text)
            let answer = try JSONParser.parseAnswer(document)
            #expect(answer.value["comuna"]?.stringValue == text && answer.repairs.isEmpty)
            let damaged = document.map { $0 == 0xB1 ? 0xFF : $0 }
            #expect(throws: JSONParseError.self) { try JSONParser.parse(damaged) }
            #expect(try JSONParser.parseAnswer(damaged).repairs == ["bytes that are not UTF-8 were read as U+FFFD"])
        }
    }

    /// Member names read through `JSONParser.Names` are the names read without it: every name of
    /// the list, each with one byte changed at every position, shorter, longer, escaped or not
    /// ASCII; values that equal a name; near the end of the text (no sixteen bytes to load) or not.
    @Test func knownNamesReadAsTheParserReadsThem() throws {
        let listed = [
            "", "a", "estado", "errorCode", "comentario", "certificado", "fifteen_bytes15", "sixteen_bytes_16",
            "seventeen_bytes17", "año",
        ]
        let names = JSONParser.Names(listed)
        var keys = listed + ["estad", "estados", "Estado", #"est\u0061do"#, "comentarios", "mensaje", #"a\u0000"#]
        for name in listed where !name.isEmpty {
            for position in 0..<name.utf8.count {
                var bytes = Array(name.utf8)
                bytes[position] ^= 0x01
                keys.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        for key in keys {
            for padding in ["", String(repeating: " ", count: 20)] {
                let document = Array("{\"\(key)\":\"\(key)\",\"x\":1}\(padding)".utf8)
                let plain = try JSONParser.parseAnswer(document)
                let named = try JSONParser.parseAnswer(document, names: names)
                #expect(plain.value == named.value && plain.repairs == named.repairs, "\(key)")
                let bytes = { (value: JSON) in value.objectValue?.keys.map { Array($0.utf8) } }
                #expect(bytes(named.value) == bytes(plain.value), "\(key)")
            }
        }
    }

    /// The words a name is compared by: its bytes, zero past them, at every length and offset.
    @Test func nameWordsHoldTheNameAndZeros() {
        let text = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        text.withUnsafeBufferPointer { buffer in
            for start in 0...text.count {
                for count in 0...16 {
                    let words = JSONParser.Names.words(buffer, at: start, count: count)
                    guard start + 16 <= text.count else {
                        #expect(words == nil)
                        continue
                    }
                    let expected = Array(text[start..<start + count]) + [UInt8](repeating: 0, count: 16 - count)
                    let (first, second) = expected.withUnsafeBytes {
                        (
                            UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)),
                            UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                        )
                    }
                    #expect(words.map { [$0.0, $0.1] } == [first, second], "\(start) \(count)")
                }
            }
        }
    }

    /// `skipWhitespace`'s one look at the next byte ends where the loop it guards ends, at every
    /// byte value after every run of whitespace and at the end of the text.
    @Test func skippingWhitespaceEndsWhereTheLoopEnds() {
        for run in ["", " ", "\t", "\n", "\r", " \r\n\t ", "        "] {
            for byte in UInt8(0)...0xFF {
                for bytes in [[UInt8](run.utf8) + [byte, 0x20], [UInt8](run.utf8) + [byte], [UInt8](run.utf8)] {
                    bytes.withUnsafeBufferPointer { buffer in
                        var fast = JSONParser.Cursor(bytes: buffer)
                        var loop = JSONParser.Cursor(bytes: buffer)
                        fast.skipWhitespace()
                        loop.skipWhitespaceRun()
                        #expect(fast.index == loop.index, "\(bytes)")
                    }
                }
            }
        }
    }
}
