// libFuzzer target: the Redactor, which keeps a call's secrets out of every envelope and log line
// in every form they may be echoed in — raw, percent-encoded in any hex case, JSON-escaped,
// HTML-escaped — member names included (issue 12, items 5 and 6).
//
// Input: byte 0 is the secret's length n, the next n bytes the secret (as UTF-8, lossily), the
// rest the surrounding text. The secret is embedded in the text in each form. Oracles: no crash;
// no form of the secret remains in what `scrub` returns, nor in a scrubbed JSON object's keys and
// values; a text without the secret comes back unchanged (but for a "Bearer <token>"); the one
// look at written JSON finds whatever masking would change.
@testable import SelloCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 1 else { return 0 }
    let count = min(Int(data[0]), size - 1)
    let secret = String(decoding: UnsafeBufferPointer(start: data + 1, count: count), as: UTF8.self)
    let text = String(decoding: UnsafeBufferPointer(start: data + 1 + count, count: size - 1 - count), as: UTF8.self)
    // The mask itself is "***": a secret made of or around asterisks could reappear next to it.
    guard secret.count >= Redactor.minimumSecretLength, !secret.contains("*"), !text.contains("*") else { return 0 }
    let redactor = Redactor(secrets: [secret])
    var writer = JSONWriter()
    writer.writeString(secret)
    let json = String(decoding: writer.bytes.dropFirst().dropLast(), as: UTF8.self)
    let percent = Transfer.percentEncode(secret)
    let forms = [secret, json, percent, percent.lowercased() == percent ? percent : lowerHex(percent)]
    for form in forms {
        for embedded in [text + form, form + text, text + form + text] {
            let scrubbed = redactor.scrub(embedded)
            precondition(!scrubbed.contains(secret), "the secret survived: \(scrubbed.prefix(200))")
            precondition(
                !scrubbed.contains(json) && !scrubbed.contains(percent),
                "an encoded form survived: \(scrubbed.prefix(200))")
            let object = redactor.scrub(json: [embedded: .string(embedded), "certificado": .string(form)])
            for member in object.objectValue?.members ?? [] where member.key != "certificado" {
                precondition(
                    !member.key.contains(secret) && !(member.value.stringValue ?? "").contains(secret),
                    "a member kept the secret")
            }
        }
    }
    // The envelope's one look (issue 13): when it finds nothing in what JSONWriter wrote, masking
    // value by value must change nothing, whatever the text holds (documents passed by).
    for embedded in [text, text + secret + text, text + json + text] {
        let values: [JSON] = [
            .string(embedded), ["k": .string(embedded), "xml": .string(embedded)],
            .object(JSONObject([(embedded, .array([.string(embedded), 1]))])),
        ]
        for value in values {
            var written = JSONWriter()
            var documents = MarkedSpans()
            written.write(value, marking: Redactor.isDocument, marked: &documents)
            let found = written.withBytes(from: 0) { redactor.mayNeedScrubbing(writtenJSON: $0, except: documents) }
            precondition(found || redactor.scrub(json: value) == value, "the one look missed what masking changes")
        }
    }
    if !text.contains(secret) && !text.contains("Bearer ") && !text.contains("%") && !text.contains("&")
        && !text.contains("\\") && !text.contains("+")
    {
        precondition(
            redactor.scrub(text) == text || text.unicodeScalars.contains { !$0.isASCII },
            "a text without the secret was changed")
    }
    return 0
}

/// `%C3%B1` as `%c3%b1` (the letters of the text itself unchanged).
func lowerHex(_ text: String) -> String {
    var bytes = Array(text.utf8)
    var index = 0
    while index + 2 < bytes.count {
        if bytes[index] == UInt8(ascii: "%") {
            for offset in 1...2 where (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(bytes[index + offset]) {
                bytes[index + offset] |= 0x20
            }
            index += 3
        } else {
            index += 1
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
