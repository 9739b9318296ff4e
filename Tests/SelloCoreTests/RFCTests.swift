import Testing

@testable import SelloCore

/// A Mexican RFC (RFC.parse): 12 characters for a company, 13 for a person, SAT's modulo-11
/// check digit, Ñ written as one scalar however typed, nothing hidden inside a character.
@Suite struct RFCTests {
    @Test(arguments: [
        ("EKU9003173C9", true, "1990-03-17"), ("XIQB891116QE4", false, "1989-11-16"),
        ("CACX7605101P8", false, "1976-05-10"),
        ("GODE561231GR8", false, "1956-12-31"), ("ÑAA010101AA6", true, "2001-01-01"),
        ("MAÑA800101AB9", false, "1980-01-01"),
        ("&AA240229AA1", true, "2024-02-29"),
    ])
    func wellFormedRFCs(_ text: String, _ company: Bool, _ date: String) throws {
        let rfc = try RFC.parse(text).get()
        #expect(rfc.text == text && rfc.isCompany == company && rfc.date == date)
    }

    @Test func theCheckDigitIsSATsModulo11() throws {
        #expect(try RFC.parse("EKU9003173C9").get().checkDigitOK)
        #expect(try !RFC.parse("EKU9003173C8").get().checkDigitOK)
        #expect(try RFC.parse("ÑAA010101AA6").get().checkDigitOK)
        #expect(try !RFC.parse("ÑAA010101AA1").get().checkDigitOK)
        #expect(RFC.checkDigit(Array("XIQB891116QE4")) == "4")
        #expect(RFC.checkDigit(Array("AAA010101AA0")) == "1")
    }

    @Test func theGenericRFCsAreKnown() throws {
        #expect(try RFC.parse("XAXX010101000").get().isGeneric)
        #expect(try RFC.parse("xexx010101000").get().isGeneric)
        #expect(try !RFC.parse("EKU9003173C9").get().isGeneric)
    }

    /// However Ñ is typed — lower case, or N followed by U+0303 — it is sent as U+00D1.
    @Test(arguments: ["ñaa010101aa6", "N\u{303}AA010101AA6", "n\u{303}aa010101aa6", " ÑAA010101AA6 "])
    func enyeIsNormalised(_ typed: String) throws {
        let rfc = try RFC.parse(typed).get()
        #expect(rfc.text == "\u{D1}AA010101AA6" && rfc.text.unicodeScalars.count == 12 && rfc.checkDigitOK)
    }

    @Test(arguments: [
        "EKU9003173C", "EKU9003173C9XX", "", "EK19003173C9", "EKU90031X3C9", "EKU9013173C9", "EKU9002303C9",
        "EKU900317-C9",
        "E\u{301}KU9003173C9", "EKU\u{200D}9003173C9", "EKU9003173C\u{FF19}", "ЕKU9003173C9",
    ])
    func malformedRFCs(_ text: String) {
        guard case .failure(let problem) = RFC.parse(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(!problem.message.isEmpty)
    }

    @Test func aHiddenCharacterIsNamedByItsCodePoints() {
        guard case .failure(let problem) = RFC.parse("EKU\u{200D}9003173C9") else {
            Issue.record("accepted")
            return
        }
        #expect(problem.message.contains("U+200D"))
    }

    @Test func twoDigitYearsUpTo26AreThisCentury() throws {
        #expect(try RFC.parse("AAA260101AA0").get().date == "2026-01-01")
        #expect(try RFC.parse("AAA270101AA0").get().date == "1927-01-01")
        #expect(try RFC.parse("AAA000229AA0").get().date == "2000-02-29")
        #expect(throws: RFC.Problem.self) { try RFC.parse("AAA270229AA0").get() } // 1927 was not a leap year
    }

    @Test func theEnvelopesData() throws {
        let json = try RFC.parse("EKU9003173C9").get().json
        #expect(
            json == [
                "valid": true, "rfc": "EKU9003173C9", "type": "moral", "date": "1990-03-17", "check_digit_ok": true,
                "generic": false,
            ])
    }
}
