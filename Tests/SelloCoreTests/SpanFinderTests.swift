import Testing

@testable import SelloCore

/// The escaped and line-broken forms of a secret are looked for in windows of the decoded text
/// (`SpanFinder`, since 2026-12-08): a form is masked wherever it lies against the windows' edges.
@Suite struct SpanFinderTests {
    let redactor = Redactor(secrets: ["Pa=ss&w<o>rd'1"])
    let spelled = [
        "Pa%253Dss%2526w%253Co%253Erd%25271", "Pa=ss&amp;amp;w&amp;lt;o&amp;gt;rd&amp;#39;1",
        "\\u0050\\u0061\\u003d\\u0073\\u0073\\u0026\\u0077\\u003c\\u006f\\u003e\\u0072\\u0064\\u0027\\u0031",
    ]

    /// Offsets around the first and second edges of a window.
    var offsets: [Int] {
        let chunk = Redactor.SpanFinder.chunk
        return [0, chunk - 40, chunk - 13, chunk - 5, chunk - 1, chunk, chunk + 7, 2 * chunk - 3, 2 * chunk + 20]
    }

    @Test func anEscapedSecretIsMaskedAcrossEveryEdge() {
        for text in spelled {
            for offset in offsets {
                let before = String(repeating: "x", count: offset)
                let after = String(repeating: "y", count: 50)
                let masked = redactor.scrub(before + text + after) == before + "***" + after
                #expect(masked, "\(text) at \(offset)")
            }
        }
    }

    @Test func escapesBeforeTheSecretMoveItAgainstTheEdges() {
        // `%25` decodes to one byte: the secret's place in the decoded text is a third of its place
        // in the text, so it meets the edges of both decodings' windows at other offsets.
        for count in [21_840, 21_845, 21_850, 43_690, 43_700] {
            let before = String(repeating: "%25", count: count)
            let text = before + "Pa%253Dss%2526w%253Co%253Erd%25271" + "!"
            let masked = redactor.scrub(text) == before + "***!"
            #expect(masked, "after \(count) escapes")
        }
    }

    @Test func everyOccurrenceIsFoundOnceAndTheRestKept() {
        let form = "Pa&#61;ss&#38;w&#60;o&#62;rd&#39;1"
        let filler = String(repeating: "z", count: Redactor.SpanFinder.chunk / 3)
        let text = (0..<7).map { _ in filler + form }.joined() + "."
        let expected = (0..<7).map { _ in filler + "***" }.joined() + "."
        let masked = redactor.scrub(text) == expected
        #expect(masked)
    }

    @Test func aLineBrokenSecretIsMaskedAcrossAnEdge() {
        let secret = String(repeating: "QUJDRA", count: 16) // 96 characters: line-breakable
        let redactor = Redactor(secrets: [secret])
        let broken = secret.prefix(64) + "\r\n" + secret.dropFirst(64)
        for offset in [Redactor.SpanFinder.chunk - 70, Redactor.SpanFinder.chunk - 64, Redactor.SpanFinder.chunk - 2] {
            let before = String(repeating: "\n", count: 3) + String(repeating: "x", count: offset)
            let masked = redactor.scrub(before + broken + "\nend") == before + "***\nend"
            #expect(masked, "at \(offset)")
        }
    }

    @Test func aFinderWithoutSecretsFindsNothing() {
        var finder = Redactor.SpanFinder([[]])
        for (index, byte) in Array("abc".utf8).enumerated() { finder.emit(byte, from: index, to: index + 1) }
        #expect(finder.finish().isEmpty)
    }
}
