import Testing

@testable import SelloCore

/// A call's secrets are a layer over its client's redactor, not a copy of it (issue 13): the
/// layered redactor must mask exactly what one made with all the secrets at once masks (what
/// the copy did), in every place that masks, and the client's must not learn the call's.
@Suite struct RedactorLayerTests {
    /// Secrets of every kind: plain, spaced, non-ASCII, JSON-escaped, with slashes, a key long
    /// enough to be line-broken, one inside another, forms of one length.
    static let kinds = [
        "Plain-123", "una clave", "Ñandú1", "pa\"ss", "x/y/zz", "abcd", "abcdefgh", "Plain-124",
        "pass&<word>'", String(repeating: "QUJD", count: 20) + "/+=", "tab\tline\nend",
    ]

    /// Client and call secrets in many splits, in one step or two, with repeats and short ones.
    static var splits: [(client: [String], call: [[String]])] {
        var splits: [(client: [String], call: [[String]])] = []
        for first in kinds.indices {
            let client = [kinds[first], "ab"]
            let rest = kinds.enumerated().filter { $0.offset != first }.map(\.element)
            splits.append((client, [rest]))
            splits.append((client, [Array(rest.prefix(3)), Array(rest.dropFirst(2)) + [kinds[first]]]))
            splits.append((client + [rest[0]], [[rest[1]], [rest[0], rest[2]]]))
        }
        splits.append((["x/y/zz"], [["Plain-123"], ["abcd", "Plain-123", "abcdefgh", "ab"], ["Plain-124"]]))
        splits.append((["Plain-123"], [["abcd", "abcd"], ["pa\"ss", "Plain-124"], ["abcdefgh"]]))
        splits.append(([], [kinds]))
        splits.append((kinds, [["abcd", "xyz"]]))
        return splits
    }

    @Test func aLayerHoldsWhatOneMadeAtOnceHolds() {
        for split in Self.splits {
            let layered = split.call.reduce(Redactor(secrets: split.client)) { $0.adding($1) }
            let once = Redactor(secrets: split.client + split.call.flatMap { $0 })
            #expect(layered.secrets == once.secrets && layered.patterns == once.patterns, "\(split)")
            #expect(layered.raw == once.raw && layered.lineBreakable == once.lineBreakable)
            #expect(layered.spaced == once.spaced && layered.nonASCII == once.nonASCII)
            #expect(layered.unescapedRuns == once.unescapedRuns && layered.knowsSecrets == once.knowsSecrets)
            #expect(layered.breaksLines == !once.lineBreakable.isEmpty)
        }
    }

    /// A plain secret (kept as it is in a layer) is one whose forms `add` makes are its bytes alone.
    @Test func aPlainSecretHasNoFormButItsBytes() {
        let more = ["A-Z_0-9.~*!", "a=b;c:d?", String(repeating: "x", count: 63), String(repeating: "y", count: 64)]
        let others = ["with space", "tab\there", "ñandú-x", "a&bcd", "a'bcd", "a<b>c", "del\u{7F}x", "a\\bcd", "a/bcd"]
        for secret in Self.kinds + more + others {
            let alone = Redactor(secrets: [secret])
            let plain =
                alone.patterns == [Array(secret.utf8)] && !alone.spaced && !alone.nonASCII
                && alone.unescapedRuns.isEmpty && alone.lineBreakable.isEmpty
            #expect(Redactor.isPlain(secret) == plain, "\(secret)")
        }
    }

    @Test func theClientsRedactorDoesNotLearnTheCallsSecrets() {
        let client = Redactor(secrets: ["Client-Secret"])
        let call = client.adding(["Call-Secret-1"]).adding(["Call-Secret-2"])
        #expect(client.secrets == ["Client-Secret"] && client.patterns == [Array("Client-Secret".utf8)])
        #expect(client.scrub("Call-Secret-1 Call-Secret-2") == "Call-Secret-1 Call-Secret-2")
        #expect(call.scrub("Client-Secret Call-Secret-1 Call-Secret-2") == "*** *** ***")
        // Another call of the same client starts from the client's alone.
        #expect(client.adding(["Other-Call"]).secrets == ["Client-Secret", "Other-Call"])
    }

    /// Texts holding each secret in the forms it travels in, alone and among others.
    static func texts(_ secrets: [String]) -> [String] {
        var texts = ["nothing here", "Bearer abc.def", "50% + more ñ", "line\nbreak \\n", ""]
        for secret in secrets {
            var forms = Redactor.forms(of: secret).map { String(decoding: $0, as: UTF8.self) }
            let encoded = secret.utf8.map { byte in
                byte < 0x80 && (Character(UnicodeScalar(byte)).isLetter || Character(UnicodeScalar(byte)).isNumber)
                    ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true)
            }.joined()
            forms += [encoded, encoded.lowercased(), encoded.replacing("%20", with: "+")]
            var wrapped = secret
            if secret.utf8.count >= Redactor.lineLength {
                wrapped.insert("\n", at: wrapped.index(wrapped.startIndex, offsetBy: 40))
            }
            forms.append(wrapped)
            for form in forms { texts += [form, "a=\(form)&b=\(form.prefix(5))", "«\(form)» y \"\(form)\""] }
        }
        texts.append(secrets.joined(separator: " "))
        return texts
    }

    @Test func aLayerMasksWhatOneMadeAtOnceMasks() {
        for split in Self.splits {
            let layered = split.call.reduce(Redactor(secrets: split.client)) { $0.adding($1) }
            let once = Redactor(secrets: split.client + split.call.flatMap { $0 })
            for text in Self.texts(once.secrets) {
                #expect(layered.scrub(text) == once.scrub(text), "\(split) \(text)")
                #expect(layered.scrubSecrets(text) == once.scrubSecrets(text))
                #expect(layered.mayHoldSecret(text) == once.mayHoldSecret(text))
                #expect(layered.mayNeedScrubbing(text) == once.mayNeedScrubbing(text))
                #expect(layered.sample(Array(text.utf8)) == once.sample(Array(text.utf8)))
                let value = JSON.object(JSONObject([("k", .string(text)), (text, .array([.string(text)]))]))
                #expect(layered.scrub(json: value) == once.scrub(json: value))
                var writer = JSONWriter()
                writer.write(value)
                let written = writer.bytes
                let looks = written.withUnsafeBufferPointer { json in
                    (layered.mayNeedScrubbing(writtenJSON: json), once.mayNeedScrubbing(writtenJSON: json))
                }
                #expect(looks.0 == looks.1)
            }
        }
    }

    /// Every secret of the call is masked in every form by the layered redactor (not only as
    /// the one made at once does: nothing of it is shown).
    @Test func everyFormOfACallsSecretIsMasked() {
        let layered = Redactor(secrets: ["Client-Pass-1"]).adding(["Cl@ve S3/\"x\\+ñ"])
        for form in [
            "Cl%40ve%20S3%2F%22x%5C%2B%C3%B1", "Cl%40ve+S3/%22x%5c%2b%c3%b1", #"Cl@ve S3\/\"x\\+\u00f1"#,
            "Cl@ve S3/&quot;x\\+ñ", "Client-Pass-1", "Client%2DPass%2D1",
        ] {
            #expect(layered.scrub("before \(form) after") == "before *** after", "\(form)")
        }
    }
}
