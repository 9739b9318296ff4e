import Testing

@testable import SelloCore

/// LogText (issue 12, item 23): a log line is one line; values holding control characters are
/// written escaped, so that they can never forge a line of their own in the caller's log.
@Suite struct LogTextTests {
    @Test func controlCharactersAreEscaped() {
        #expect(LogText.escape("a\r\nb\tc\u{1B}[31m\u{2028}d\u{85}") == #"a\r\nb\tc\x1B[31m\u2028d\x85"#)
        #expect(LogText.escape("plain ñ → ok") == "plain ñ → ok")
    }

    @Test(arguments: [
        ("\u{0}", #"\x00"#), ("\u{7}", #"\x07"#), ("\u{1F}", #"\x1F"#), ("\u{7F}", #"\x7F"#), ("\u{80}", #"\x80"#),
        ("\u{9F}", #"\x9F"#), ("\u{2029}", #"\u2029"#), ("\u{0B}", #"\x0B"#), ("\u{0C}", #"\x0C"#),
    ])
    func eachControlHasItsEscape(_ control: String, _ escaped: String) {
        #expect(LogText.escape("[\(control)]") == "[\(escaped)]")
    }

    /// The quick look lets through text whose bytes may start such a character (0xC2, 0xE2):
    /// the neighbours of the controls are kept as they are.
    @Test(arguments: ["\u{A0}", "é", "\u{2027}", "\u{202A}", "—", "€", " ", "~"])
    func printableNeighboursAreKept(_ text: String) {
        #expect(LogText.escape("<\(text)>") == "<\(text)>")
    }

    @Test func anEscapedLineHasNoLineBreakLeft() {
        let forged = "user\r\n2026-01-01 INFO login ok\u{2028}\u{85}\n"
        let escaped = LogText.escape(forged)
        #expect(!escaped.unicodeScalars.contains { [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) })
        #expect(escaped == #"user\r\n2026-01-01 INFO login ok\u2028\x85\n"#)
    }
}
