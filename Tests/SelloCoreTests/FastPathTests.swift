import Testing

@testable import SelloCore

/// The byte-level fast paths of the validators must give exactly what the general (Unicode)
/// paths give, messages included: they are an optimisation, never a second rule.
@Suite struct FastPathTests {
    /// Short strings over the characters that matter to each rule, exhaustively up to a length,
    /// plus hand-picked cases.
    static func strings(over alphabet: [Character], upTo length: Int) -> [String] {
        var result = [""]
        var frontier = [""]
        for _ in 0..<length {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + String($0) } }
            result += frontier
        }
        return result
    }

    static let rutCases = [
        "12.345.678-5", "12345678-5", "123456785", " 76.369.187-k ", "76369187-K", "1-9",
        "12.345.678-0", "12.3456.78-5", ".123.456-7", "1234567890-1", "99999-9", "0100000-K",
        "12345678-", "-5", "12 345 678-5", "\t12345678-5\n", "12345678--5", "7.654.321-6",
        "12.345.6785", "12345678-55", "abc", "", "   ", "K", "12345678-k",
        "1.234.567-4", "12.345.67-5", "123.456.789-1", "1234.567-8", "12.34a.678-5", "123456789-1",
        "12..345.678-5", "12.345.678.-5", "999.999-9", "99.999-9", "1.000.000-0", "12.3x5678-5",
        "00000000-0", "000.100.000-K", "12345678901234567890-1", "1.2.3-4",
    ]

    @Test func rutBytesAgreeWithUnicode() {
        let generated = FastPathTests.strings(over: ["1", "2", "-", ".", "K", " "], upTo: 5)
        for text in FastPathTests.rutCases + generated {
            #expect(RUT.parseASCII(Array(text.utf8)) == RUT.parseUnicode(text), "RUT '\(text)'")
        }
    }

    static let emailCases = [
        "ana@empresa.cl", "eleon@certificadoradelsur.cl", "a.b@c.de", ".a@b.cl", "a.@b.cl", "a..b@c.cl",
        "a@b", "a@b.c", "a@b.c1", "a@-b.cl", "a@b-.cl", "a@b..cl", "a@.b.cl", "a@b.cl.", "@b.cl", "a@@b.cl",
        "a@b@c.cl", "a b@c.cl", "a(b)@c.cl", "x+tag@sub.dominio.cl", "o'neil@x.com",
        String(repeating: "a", count: 65) + "@b.cl", String(repeating: "a", count: 64) + "@b.cl",
        "a@" + String(repeating: "b", count: 64) + ".cl", "a@" + String(repeating: "b", count: 63) + ".cl", "",
    ]

    @Test func emailBytesAgreeWithUnicode() {
        let generated = FastPathTests.strings(over: ["a", "@", ".", "-", "1", "!"], upTo: 6)
        for text in FastPathTests.emailCases + generated {
            #expect(EmailAddress.problem(text) == EmailAddress.unicodeProblem(text), "e-mail '\(text)'")
        }
    }

    @Test func rutNonASCIIStillUsesTheGeneralRule() {
        #expect(RUT.parse("１２.345.678-5") == RUT.parseUnicode("１２.345.678-5"))
    }

    static let foldCases = [
        "Los Ángeles", "LOS ANGELES", "o'higgins", "O`Higgins", "  Viña   del Mar ", "Til-Til",
        "San Vicente de Tagua Tagua", "123 abc", "", "--", "a\u{0B}b", "ALTO BIO-BIO",
    ]

    @Test func foldBytesAgreeWithUnicode() {
        let generated = FastPathTests.strings(
            over: ["a", "B", " ", "'", "-", "1", "ñ", "Á", "ü", "×", "ß", "´"], upTo: 3)
        let latin1 = (0x20...0xFF).map { String(Character(Unicode.Scalar(UInt8($0)))) }
        for text in FastPathTests.foldCases + generated + latin1 + ["Viña del Mar", "ÑUÑOA", "Los Ángeles"] {
            guard let fast = TextFolding.foldLatin(text) else { continue }
            #expect(fast == TextFolding.foldUnicode(text), "fold '\(text)'")
        }
        #expect(TextFolding.foldLatin("Viña del Mar") == "vina del mar")
        #expect(TextFolding.foldLatin("Łódź") == nil)
    }
}

@Suite struct TrimmingFastPathTests {
    /// `trimmingSpaces` answers as the Character rule does, through its byte look at the ends or
    /// not: ASCII and non-ASCII ends, every kind of space, empty text.
    @Test func trimmingAgreesWithTheCharacterRule() {
        func reference(_ text: String) -> String {
            var slice = Substring(text)
            while let first = slice.first, first.isWhitespace { slice.removeFirst() }
            while let last = slice.last, last.isWhitespace { slice.removeLast() }
            return String(slice)
        }
        let texts = [
            "", " ", "a", "ab", " a", "a ", "\ta\n", "x\r\n", "ñ", " ñ ", "año", "\u{00A0}x", "x\u{2003}",
            "a\u{301}", "~", "!x!", "Viña del Mar", "  Viña   del Mar ", "\u{7F}x", "x\u{85}",
        ]
        for text in texts + texts.map { $0 + "z" } + texts.map { "z" + $0 } {
            #expect(text.trimmingSpaces == reference(text), "'\(text)'")
        }
    }
}

@Suite struct FESFastPathTests {
    @Test func passwordBytesAgreeWithUnicode() {
        let generated = FastPathTests.strings(over: ["a", "B", "1", "!"], upTo: 5)
        for text in ["Secreta123", "secreta", "SECRETA123", "Abcdefg1", "", "Ab1", "Ab 1 cdefg"] + generated {
            #expect(
                FESRequest.asciiPasswordProblem(Array(text.utf8)) == FESRequest.unicodePasswordProblem(text),
                "password '\(text)'")
        }
    }

    @Test func documentNumberBytesAgreeWithUnicode() {
        let cases = [
            "100123456", "A12345678", "a123456789", "12345678", "1234567890", "AB1234567", "", "A1234567",
            "10012345X", "Z000000000",
        ]
        for text in cases + FastPathTests.strings(over: ["1", "A", "-"], upTo: 4) {
            #expect(
                FESRequest.isASCIIDocumentNumber(Array(text.utf8)) == FESRequest.isUnicodeDocumentNumber(text),
                "documento '\(text)'")
        }
    }

    /// Every scalar below U+0100 (CR excepted, it may pair with LF) alone, between letters,
    /// after a refused one and before a combining mark, in both modes.
    @Test func characterRuleBytesAgreeWithUnicode() {
        let scalars = (0x01...0xFF).filter { $0 != 0x0D }.compactMap { Unicode.Scalar(UInt32($0)) }
        var texts = [
            "Av. Providencia 1234, of. 5", "Ñuñoa", "O'Higgins #12", "Secreta¿123¡", "a\r\nb", "tab\there",
            "e\u{301}", "!\u{301}", "x!\u{301}", "日本", "Viña del Mar 3°B", "", " ",
        ]
        for scalar in scalars {
            let character = String(Character(scalar))
            texts += [character, "ab" + character + "cd", "!" + character, character + "\u{301}", character + "ñ"]
        }
        for text in texts {
            for password in [false, true] {
                #expect(
                    FESRequest.disallowedCharacter(in: text, password: password)
                        == FESRequest.unicodeDisallowedCharacter(in: text, password: password),
                    "'\(text)' password: \(password)")
            }
        }
        // The fast path decides these itself (not by falling back to the rule on Characters).
        let verdict = "Viña del Mar 3°B".withUTF8Bytes { FESRequest.latinVerdict($0, password: false) }
        #expect(verdict == .clean)
        #expect("Ñuñoa×".withUTF8Bytes { FESRequest.latinVerdict($0, password: false) } == .refused("×"))
    }

    /// The RUT as FES expects it, written digit by digit, is the interpolation it replaced.
    @Test func theNormalizedRUTIsItsInterpolation() {
        for text in ["12.345.678-5", "76369187-k", "1.000.000-0", "100.000-4", "99.999.999-9", "7.654.321-6"] {
            guard case .success(let rut) = RUT.parse(text) else { continue }
            #expect(rut.normalized == "\(rut.body)-\(rut.checkDigit)", "\(text)")
        }
        #expect(RUT(body: 12_345_678, checkDigit: "5").normalized == "12345678-5")
        #expect(RUT(body: 0, checkDigit: "K").normalized == "0-K")
        #expect(RUT(body: -5, checkDigit: "1").normalized == "-5-1")
        #expect(RUT(body: 12, checkDigit: "").normalized == "12-")
        #expect(RUT(body: 123_456_789, checkDigit: "5").normalized == "123456789-5")
        #expect(RUT(body: 99_999_999, checkDigit: "K").normalized == "99999999-K")
        #expect(RUT(body: 5, checkDigit: "KK").normalized == "5-KK")
    }

    /// JSONWriter's escape test, its last word overlapping, answers as a byte-by-byte look for a
    /// byte JSON escapes (and for one it does not) at every offset of every length up to 20.
    @Test func theWritersEscapeTestIsByteByByte() {
        for length in 0...20 {
            for offset in 0..<max(length, 1) {
                for byte: UInt8 in [0x00, 0x1F, 0x20, 0x22, 0x2F, 0x5C, 0x7F, 0x80, 0xC3, 0xFF] where length > 0 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[offset] = byte
                    bytes.withUnsafeBufferPointer { buffer in
                        #expect(
                            JSONWriter.needsEscape(buffer) == buffer.contains(where: JSONWriter.escapes),
                            "\(byte) at \(offset) of \(length)")
                    }
                }
            }
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(plain.withUnsafeBufferPointer { JSONWriter.needsEscape($0) } == false)
        }
    }

    /// The bit masks are `latinAllowed`, scalar for scalar, in both modes.
    @Test func latinMasksAreTheCharacterRule() {
        for password in [false, true] {
            let mask = password ? FESRequest.LatinMask.password : FESRequest.LatinMask.text
            for scalar in UInt32(0)..<0x100 {
                let text = String(Character(Unicode.Scalar(UInt8(scalar))))
                #expect(
                    text.withUTF8Bytes { mask.allowsAll($0) } == FESRequest.latinAllowed(scalar, password: password),
                    "U+\(String(scalar, radix: 16)) password: \(password)")
            }
        }
    }

    /// `allowsAll` is `latinAllowed` for every scalar, wherever it stands in a text (one that a
    /// word-at-a-time version would take in runs of eight bytes included).
    @Test func latinMasksAgreeScalarByScalarAcrossRuns() {
        let fillers = ["", "a", "abcdefg", "abcdefgh", "Av. Libertad 1", "Viña del Mar", "0123456789abcdef"]
        let probes = (0x01...0xFF).map { String(Character(Unicode.Scalar(UInt8($0)))) } + ["€", "e\u{301}", "日"]
        var checked = 0
        for password in [false, true] {
            let mask = password ? FESRequest.LatinMask.password : FESRequest.LatinMask.text
            for before in fillers {
                for after in fillers {
                    for probe in probes {
                        let text = before + probe + after
                        let expected = text.unicodeScalars.allSatisfy {
                            $0.value < 0x100 && FESRequest.latinAllowed($0.value, password: password)
                        }
                        #expect(text.withUTF8Bytes { mask.allowsAll($0) } == expected, "'\(text)' \(password)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 20_000)
        #expect("".withUTF8Bytes { FESRequest.LatinMask.text.allowsAll($0) })
    }

    /// A parameter the fast path takes is one the service's checks pass (present, not empty, no
    /// refused character), and its value is theirs: the text without its surrounding spaces.
    @Test func cleanedParametersAgreeWithTheChecks() {
        let scalars = (0x01...0xFF).compactMap { Unicode.Scalar(UInt32($0)) }
        var texts = [
            "Av. Providencia 1234, of. 5", "Ñuñoa", "O'Higgins #12", "Secreta¿123¡", "a\r\nb", "tab\there",
            "e\u{301}", "日本", "Viña del Mar 3°B", "", " ", "   ", "  Lautaro 867 ", " x", "x ", "\u{A0}x\u{A0}",
            " \u{301}", "x \u{301}", "Secreta123", " Secreta123 ",
        ]
        for scalar in scalars {
            let character = String(Character(scalar))
            texts += [character, " " + character + " ", "ab" + character + "cd", character + "\u{301}"]
        }
        var taken = 0
        for text in texts {
            for parameter in [FESRequest.Parameter.direccion, .claveCertificado] {
                let password = parameter == .claveCertificado
                guard let cleaned = FESRequest.cleaned(text, parameter) else { continue }
                taken += 1
                #expect(!text.trimmingSpaces.isEmpty, "'\(text)'")
                #expect(FESRequest.disallowedCharacter(in: text, password: password) == nil, "'\(text)'")
                #expect(cleaned == text.trimmingSpaces, "'\(text)'")
            }
        }
        #expect(FESRequest.cleaned(nil, .rut) == nil)
        // The common cases are decided on bytes.
        #expect(taken > 300)
        #expect(FESRequest.cleaned("  Viña del Mar ", .comuna) == "Viña del Mar")
        #expect(FESRequest.cleaned("Secreta¿123¡", .claveCertificado) == "Secreta¿123¡")
    }

    /// A scanned request's parameters checked and trimmed on its bytes (`FESRequest.plainValues`)
    /// give what the same request given as a value gives (read as Strings, then checked): the
    /// same parameters, or the same error, problems included.
    @Test func plainParametersAgreeWithTheValuePath() throws {
        var variants: [[String: JSON?]] = [
            [:], ["direccion": "  Lautaro 867 "], ["comuna": " Viña del Mar"], ["claveCertificado": " Secreta123"],
            ["rut": ""], ["rut": "   "], ["rut": nil], ["duracion": nil], ["duracion": "3"], ["correo": 5],
            ["direccion": "Lautaro\\u0020867"], ["direccion": "Lautaro\t867"], ["direccion": "Lautaro 867 ©"],
            ["giroEmpresa": "e\\u0301"], ["nombreEmpresa": "日本"], ["claveCertificado": "Secreta¿123¡"],
            ["claveCertificado": "Secreta 123"], ["comuna": .null], ["comuna": "Ñuñoa", "save_to": .null],
            ["direccion": "Av. O'Higgins #12, of. 3°B (interior) & Cía."], ["duracion": 7], ["rut": "1-9"],
        ]
        for key in FESRequest.parameterNames { variants.append([key: "x\\u0000"]) }
        for changes in variants {
            var object = FESRequestTests.good
            for (key, value) in changes { object[key] = value }
            // `\\u` in a variant is an escape in the text (the scan leaves it to the parser).
            let text = JSONWriter.string(.object(object)).replacing("\\\\u", with: "\\u")
            let scanned = try RequestObject(text: text)
            let value = RequestObject(try JSONParser.parse(Array(text.utf8)))
            switch (
                Result { () throws(SelloError) in try FESRequest(scanned) },
                Result { () throws(SelloError) in try FESRequest(value) }
            ) {
            case (.success(let fast), .success(let slow)):
                #expect(
                    [
                        fast.rut.normalized, fast.correo, fast.numeroDocumento, fast.claveCertificado,
                        fast.nombreEmpresa, fast.comuna.upperUnaccentedName, fast.direccion, fast.giroEmpresa,
                    ]
                        == [
                            slow.rut.normalized, slow.correo, slow.numeroDocumento, slow.claveCertificado,
                            slow.nombreEmpresa, slow.comuna.upperUnaccentedName, slow.direccion, slow.giroEmpresa,
                        ],
                    "\(text)")
                #expect(fast.duracion == slow.duracion && fast.saveTo == slow.saveTo, "\(text)")
            case (.failure(let fast), .failure(let slow)):
                #expect(fast.json == slow.json, "\(text)")
            default:
                Issue.record("one path takes what the other refuses: \(text)")
            }
        }
        // The common request is read on bytes.
        let common = try RequestObject(text: JSONWriter.string(.object(FESRequestTests.good)))
        #expect(FESRequest.plainValues(common)?.comuna == "LOS ANGELES")
        #expect(FESRequest.plainValues(RequestObject(.object(FESRequestTests.good))) == nil)
    }

    /// `upperCased` gives what `uppercased()` gives, byte for byte.
    @Test func upperCasingAgreesWithTheStandardLibrary() {
        let scalars = (0x01...0x17F).compactMap { Unicode.Scalar(UInt32($0)) }.map { String(Character($0)) }
        let texts = ["", "100123456", "a12345678", "A012345678", "\u{DF}1", "\u{FB00}", "e\u{301}", "\u{212A}"]
        for text in texts + scalars + scalars.map({ "1" + $0 + "Z" }) {
            let upper = FESRequest.upperCased(text)
            #expect(Array(upper.utf8) == Array(text.uppercased().utf8), "\(Array(text.unicodeScalars))")
        }
    }

    /// A parameter's name known when compiling is its name, and a plain string found by it is
    /// the one the lookup by String finds, wherever the member stands (or does not).
    @Test func parametersFoundByStaticNameAsByName() throws {
        let texts = [
            #"{"rut":"1-9","correo":"a@b.cl","numeroDocumento":"100123456","claveCertificado":"X","duracion":1}"#,
            #"{"giroEmpresa":"g","direccion":"d","comuna":"c","nombreEmpresa":"n","correo":"x","rut":"r"}"#,
            #"{"rutt":"1","ru":"2","Rut":"3","correos":"4","comuna":5,"direccion":"a\u0020b","correo":null}"#,
            #"{"rut":"a","rut":"b","numeroDocumentO":"x","claveCertificad":"y","claveCertificadoo":"z"}"#,
            #"{}"#, #"{"":"","save_to":"/tmp/x","comuna":"Viña del Mar"}"#,
        ]
        // The seed's names, in its order (`parameterNames` is made of the static names).
        #expect(
            FESRequest.parameterNames == [
                "rut", "correo", "numeroDocumento", "claveCertificado", "duracion",
                "nombreEmpresa", "comuna", "direccion", "giroEmpresa",
            ])
        for text in texts {
            let request = try RequestObject(text: text)
            for parameter in FESRequest.Parameter.allCases {
                for position in 0..<11 {
                    let fast = request.withPlainStrings { strings in
                        strings.bytes(parameter.staticName, usuallyAt: position).map { Array($0) }
                    }
                    let byName = request.withPlainStrings { strings -> [UInt8]? in
                        guard
                            let index = RequestObject.index(
                                of: parameter.name, strings.buffer, strings.members, usuallyAt: position),
                            case .plainString(let range) = strings.members[index].value
                        else { return nil }
                        return Array(strings.buffer[(range.lowerBound + 1)..<(range.upperBound - 1)])
                    }
                    #expect(fast == byName, "\(parameter) at \(position) in \(text)")
                }
            }
        }
    }

    /// The rule says a letter and 8 or 9 digits; a letter and 8 digits (9 characters) used to
    /// be refused because 9 characters were required to be all digits.
    @Test(arguments: ["A12345678", "A123456789", "100123456"])
    func documentNumbersTheRuleAccepts(_ text: String) {
        #expect(FESRequest.isDocumentNumber(text))
        #expect(FESRequest.isDocumentNumber(text + "é") == false)
    }
}
