import Testing

@testable import SelloCore

/// A message quotes a caller's value whole and as given, or not at all: the masking knows a
/// secret as given, and a cut, upper-cased or trimmed quote of one was shown (audit 2026-12-08).
struct QuoteTests {
    @Test func aValueIsQuotedWholeAndAsGiven() {
        #expect(Quote.value(" mykeypass12 ") == "' mykeypass12 '")
        #expect(Quote.value(String(repeating: "x", count: 80)) == "'" + String(repeating: "x", count: 80) + "'")
        #expect(Quote.value("ñ" + String(repeating: "x", count: 79)).hasPrefix("'ñ"))
        #expect(Quote.value("E301", quoted: false) == "E301")
    }

    @Test func aLongerValueIsNeverCutButDescribed() {
        let long = "Zq8" + String(repeating: "x7Rw2Lp9Vb", count: 8)
        #expect(Quote.value(long) == "(83 characters, not shown)")
        #expect(!Quote.value(long).contains("Zq8"))
        #expect(Quote.value("abcdef", limit: 5) == "(6 characters, not shown)")
    }

    @Test func anOptionShowsItsNameOnlyWhenItIsOne() {
        #expect(CFDIOptions.shown("PKCS12:TUlJ") == "'PKCS12:…'")
        #expect(CFDIOptions.shown("Secret:Pass99") == "(an option of 13 characters, not shown)")
        #expect(CFDIOptions.shown("GENERA_PDF") == "'GENERA_PDF'")
    }

    @Test func anRFCIsQuotedAsTyped() {
        guard case .failure(let problem) = RFC.parse(" mykeypass12") else {
            Issue.record("parsed")
            return
        }
        #expect(problem.message.contains("' mykeypass12'") && !problem.message.contains("MYKEYPASS12"))
    }
}
