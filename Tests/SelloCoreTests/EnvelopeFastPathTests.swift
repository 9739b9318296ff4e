import Testing

@testable import SelloCore

/// The envelope's fast paths (issue 13, fourteenth session) against the code they replace: the
/// documents' spans kept in place (`MarkedSpans`) and not marked inside a document, the look
/// that passes them by, and `isDocument`'s first-byte filter.
@Suite struct EnvelopeFastPathTests {
    /// Names around the documents': the documents', cut, grown, of their lengths and first bytes.
    static var names: [String] {
        var names = Redactor.documentFields
        for field in Redactor.documentFields {
            names += [
                String(field.dropLast()), String(field.dropFirst()), field + "s", field.uppercased(),
                "e" + field.dropFirst(), String(field.prefix(1)) + "x" + field.dropFirst(2), field + "é",
            ]
        }
        names += [
            "", "x", "xm", "xmL", "XML", "estado", "errorCode", "comentario", "certificado ", "ñml", "éxml",
            "certificadó", "abcBase64", "xmlBase6x", "\u{7F}ml", "\u{0}ml", "aml", String(repeating: "x", count: 63),
            String(repeating: "x", count: 64), String(repeating: "c", count: 200),
        ]
        return names
    }

    @Test func isDocumentIsMembershipOfTheDocumentFields() {
        for name in Self.names {
            #expect(Redactor.isDocument(name) == Redactor.documentFields.contains(name), "\(name)")
        }
    }

    /// Values with documents at any depth, in documents, in arrays, beside others.
    static let values: [JSON] = [
        .null, "certificado", ["certificado": "abc"], ["estado": "OK", "errorCode": 0, "certificado": "QUJD"],
        .object(
            JSONObject([
                ("items", [["xml": "<a/>", "n": "x"], "s", ["pdfBase64": ["xml": "in", "k": [1, 2]]]]),
                ("certificado", ["xml": "inner", "k": "v"]), ("z", "q\"\\"), ("xml", .null), ("acuseBase64", [1, "2"]),
            ])),
        [["xml": "1"], ["xml": "2"], ["xml": "3"], ["cbbBase64": ["xml": "4"]], ["xmlBase64": "5"]],
    ]

    /// The documents' values outside any other document, in the order written (what the spans
    /// must hold).
    static func outermostDocuments(_ value: JSON) -> [JSON] {
        switch value {
        case .array(let array): return array.flatMap(outermostDocuments)
        case .object(let object):
            return object.members.flatMap { Redactor.isDocument($0.key) ? [$0.value] : outermostDocuments($0.value) }
        default: return []
        }
    }

    @Test func markingWritesTheBytesOfTheValueAndSpansItsOutermostDocuments() {
        for value in Self.values {
            for headed in [false, true] {
                var writer = JSONWriter(capacity: 16)
                var plain = JSONWriter(capacity: 16)
                if headed {
                    writer.writeRaw(#"{"head":"#)
                    plain.writeRaw(#"{"head":"#)
                }
                var spans = MarkedSpans()
                let start = writer.written
                writer.write(value, marking: Redactor.isDocument, marked: &spans)
                plain.write(value)
                #expect(writer.bytes == plain.bytes)
                let documents = Self.outermostDocuments(value)
                #expect(spans.count == documents.count, "\(value)")
                let written = writer.bytes
                for (span, document) in zip(spans.all, documents) {
                    #expect(Array(written[span]) == JSONWriter.encode(document))
                }
                #expect(zip(spans.all, spans.all.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound })
                #expect(spans.all.allSatisfy { $0.lowerBound >= start })
            }
        }
    }

    @Test func spansKeepWhatIsAppendedInOrder() {
        for count in 0...6 {
            var spans = MarkedSpans()
            let appended = (0..<count).map { ($0 * 10)..<($0 * 10 + 5) }
            for span in appended { spans.append(span) }
            #expect(spans.all == appended && spans.count == count && spans.isEmpty == (count == 0))
        }
    }

    /// The look the spans replace: the pieces between the documents (ranges in any order,
    /// relative to `json`) copied into an array, then looked at.
    static func arrayLook(_ redactor: Redactor, _ json: [UInt8], except documents: [Range<Int>]) -> Bool {
        guard redactor.knowsSecrets else { return false }
        var rest: [UInt8] = []
        var next = 0
        for document in documents.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if document.lowerBound > next { rest += json[next..<document.lowerBound] }
            next = max(next, document.upperBound)
        }
        if next < json.count { rest += json[next...] }
        return rest.withUnsafeBufferPointer { redactor.mayNeedScrubbing(writtenJSON: $0) }
    }

    @Test func theLookPastTheSpansIsTheLookPastTheDocuments() {
        for redactor in ReplyTests.redactors {
            for text in ReplyTests.trickyTexts {
                let values: [JSON] = [
                    ["estado": .string(text), "certificado": .string(text)],
                    [
                        ["xml": .string(text), "n": .string(text)], ["pdfBase64": ["xml": .string(text)]],
                        .string(text),
                    ],
                    ["xml": .string(text), "acuseBase64": .string(text), "cbbBase64": .string(text), "k": "v"],
                    .string(text),
                ]
                for value in values {
                    for prefix in [[], Array(#"{"items":["#.utf8)] as [[UInt8]] {
                        var writer = JSONWriter(capacity: 16)
                        if !prefix.isEmpty { writer.writeRaw(#"{"items":["#) }
                        var spans = MarkedSpans()
                        writer.write(value, marking: Redactor.isDocument, marked: &spans)
                        let start = prefix.count
                        let fast = writer.withBytes(from: start) {
                            redactor.mayNeedScrubbing(writtenJSON: $0, except: spans, from: start)
                        }
                        let written = Array(writer.bytes[start...])
                        let relative = spans.all.map { ($0.lowerBound - start)..<($0.upperBound - start) }
                        #expect(fast == Self.arrayLook(redactor, written, except: relative), "'\(text)' \(value)")
                    }
                }
            }
        }
    }

    /// A reply written after other bytes (a batch's item) writes what `json` gives, masked alike.
    @Test func aReplyWrittenAfterOtherBytesIsItsJSON() {
        for redactor in ReplyTests.redactors {
            let scope = CallScope(service: "fes", operation: "obtain_certificate", hooks: CallHooks(redactor: redactor))
            for text in ReplyTests.trickyTexts {
                let outcome = Reply.Outcome.success(["estado": .string(text), "certificado": .string(text)])
                let reply = Reply(outcome, scope: scope, facts: CallFacts())
                var writer = JSONWriter(capacity: 16)
                writer.writeRaw(#"{"items":["#)
                reply.write(into: &writer)
                #expect(writer.bytes == Array(#"{"items":["#.utf8) + JSONWriter.encode(reply.json), "'\(text)'")
            }
        }
    }

    /// The lines a reply logs, collected from the log callback (its user data).
    final class Lines {
        var lines: [String] = []
    }

    /// A reply's log lines are asked for first (`wantsLog`): each level gets the lines it got
    /// when every line was offered.
    @Test func aReplyLogsItsWarningsAndErrorAtTheLevelsWanted() throws {
        let failure = Reply.Outcome.failure(SelloError(.service, .fesUndocumentedError, "FES said no"))
        for minLevel in [nil, 0, 1, 2, 3] as [Int32?] {
            for outcome in [Reply.Outcome.success("x"), failure] {
                for warnings in [[], ReplyTests.warnings] {
                    let lines = Lines()
                    let client = ClientHooks()
                    if let minLevel {
                        client.setLog(
                            { userData, level, line in
                                guard let userData, let line else { return }
                                let lines = Unmanaged<Lines>.fromOpaque(userData).takeUnretainedValue()
                                lines.lines.append("\(level) \(String(cString: line))")
                            }, userData: Unmanaged.passUnretained(lines).toOpaque(), minLevel: minLevel)
                    }
                    let scope = CallScope(
                        service: "fes", operation: "obtain_certificate",
                        hooks: CallHooks(client: client, redactor: Redactor(secrets: ["Secreta123"])))
                    var facts = CallFacts()
                    facts.warnings = warnings
                    _ = Reply(outcome, scope: scope, facts: facts)
                    var expected: [String] = []
                    if let minLevel, minLevel <= 2 {
                        let messages = warnings.map { $0.message.replacing("Secreta123", with: "***") }
                        expected += messages.map { "2 fes.obtain_certificate: \($0)" }
                    }
                    if minLevel != nil, case .failure = outcome {
                        expected.append("3 fes.obtain_certificate failed: service FES_UNDOCUMENTED_ERROR: FES said no")
                    }
                    withExtendedLifetime(lines) { #expect(lines.lines == expected, "\(String(describing: minLevel))") }
                }
            }
        }
    }
}
