/// The escaped spellings of a secret that no list of literal forms covers (review of 2026-12-07):
/// HTML and XML character references (`&#39;`, `&#039;`, `&#x27;`, `&apos;`, `&ntilde;`), a JSON
/// `\uXXXX` of any character (Gson writes `=` as `\u003d`; some write every character so), and an
/// escape of an escape (`%253D`, `&amp;#39;`). The text is decoded twice, each byte of the result
/// traced to where it came from, each secret's own bytes are looked for in the result as it is
/// made (`SpanFinder`), and what a match covers in the text is masked.
extension Redactor {
    /// Whether `bytes` has an escape this decoding reads: a `&`, a `\` or a `%`.
    static func mayHoldEscapes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.firstIndex(ofByte: UInt8(ascii: "&")) != nil || bytes.firstIndex(ofByte: 0x5C) != nil
            || bytes.firstIndex(ofByte: UInt8(ascii: "%")) != nil
    }

    /// Masks each of `secrets` found in `bytes` once its escapes are decoded (twice); whether
    /// anything was masked. The second decoding reads the first as it is made, and the secrets
    /// are looked for in the second as it is made (`SpanFinder`), so that only windows of the
    /// two are held, whatever the text's length.
    static func maskEscaped(_ bytes: inout [UInt8], _ secrets: [[UInt8]]) -> Bool {
        var finder = SpanFinder(secrets)
        var once = Traced()
        var read = 0
        var index = 0
        while index < bytes.count {
            let (unit, length) = escapeUnit(bytes, at: index)
            unit.emit(into: &once, from: index, to: index + length)
            index += length
            // What the second decoding may look ahead to (an escape is at most 12 bytes).
            while read + 16 <= once.count { read = decodeSecond(once, at: read, into: &finder) }
            if read >= SpanFinder.chunk {
                once.dropFirst(read)
                read = 0
            }
        }
        while read < once.count { read = decodeSecond(once, at: read, into: &finder) }
        return maskSpans(&bytes, finder.finish())
    }

    /// Decodes the unit of the first decoding at `index` into `finder`, each byte traced to the
    /// original text; the index after it.
    private static func decodeSecond(_ once: Traced, at index: Int, into finder: inout SpanFinder) -> Int {
        let (unit, length) = escapeUnit(once.bytes, at: index)
        unit.emit(into: &finder, from: once.from[index], to: once.to[index + length - 1])
        return index + length
    }

    /// What one step of decoding reads: a character an escape stands for, or a byte as it is.
    enum EscapeUnit {
        case scalar(Unicode.Scalar)
        case byte(UInt8)

        func emit(into view: inout Traced, from start: Int, to end: Int) {
            switch self {
            case .scalar(let scalar): view.emit(scalar, from: start, to: end)
            case .byte(let byte): view.emit(byte, from: start, to: end)
            }
        }

        func emit(into finder: inout SpanFinder, from start: Int, to end: Int) {
            switch self {
            case .scalar(let scalar): finder.emit(scalar, from: start, to: end)
            case .byte(let byte): finder.emit(byte, from: start, to: end)
            }
        }
    }

    /// The unit at `index`: a character reference, a JSON backslash escape, a `%HH`, or a byte;
    /// and how many bytes of `text` it takes.
    static func escapeUnit(_ text: [UInt8], at index: Int) -> (EscapeUnit, Int) {
        let byte = text[index]
        if byte == UInt8(ascii: "&"), let (scalar, length) = characterReference(text, at: index) {
            return (.scalar(scalar), length)
        }
        if byte == 0x5C, let (scalar, length) = backslashEscape(text, at: index) { return (.scalar(scalar), length) }
        if byte == UInt8(ascii: "%"), index + 2 < text.count, let high = hexValue(text[index + 1]),
            let low = hexValue(text[index + 2])
        {
            return (.byte(high << 4 | low), 3)
        }
        return (.byte(byte), 1)
    }

    /// Replaces each of `spans` (merged where they overlap) by `***`; whether there was any.
    static func maskSpans(_ bytes: inout [UInt8], _ spans: [Range<Int>]) -> Bool {
        guard !spans.isEmpty else { return false }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var next = 0
        for span in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) where span.upperBound > next {
            output.append(contentsOf: bytes[next..<max(next, span.lowerBound)])
            if span.lowerBound >= next { output.append(contentsOf: Redactor.mask) }
            next = span.upperBound
        }
        output.append(contentsOf: bytes[next...])
        bytes = output
        return true
    }

    /// `&#NN;`, `&#xHH;` or `&name;` at `index`: the character and the reference's length.
    static func characterReference(_ text: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        guard let semicolon = text[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")), semicolon > index + 1 else {
            return nil
        }
        let body = text[(index + 1)..<semicolon]
        let length = semicolon + 1 - index
        if body.first == UInt8(ascii: "#") {
            let hex = body.dropFirst().first.map { $0 | 0x20 == UInt8(ascii: "x") } ?? false
            let digits = body.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty, let value = UInt32(String(decoding: digits, as: UTF8.self), radix: hex ? 16 : 10),
                let scalar = Unicode.Scalar(value)
            else { return nil }
            return (scalar, length)
        }
        guard let scalar = namedReferences[String(decoding: body, as: UTF8.self)] else { return nil }
        return (scalar, length)
    }

    /// `\uXXXX` (a surrogate pair as one character), or `\"`, `\\`, `\/`, `\b`, `\f`, `\n`,
    /// `\r`, `\t` at `index`: the character and the escape's length.
    static func backslashEscape(_ text: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        guard index + 1 < text.count else { return nil }
        switch text[index + 1] {
        case UInt8(ascii: "u"):
            guard let unit = hexUnit(text, at: index + 2) else { return nil }
            if (0xD800..<0xDC00).contains(unit), index + 11 < text.count, text[index + 6] == 0x5C,
                text[index + 7] == UInt8(ascii: "u"), let low = hexUnit(text, at: index + 8),
                (0xDC00..<0xE000).contains(low),
                let scalar = Unicode.Scalar(0x10000 + (unit - 0xD800) << 10 + (low - 0xDC00))
            {
                return (scalar, 12)
            }
            return Unicode.Scalar(unit).map { ($0, 6) }
        case UInt8(ascii: "\""), 0x5C, UInt8(ascii: "/"): return (Unicode.Scalar(text[index + 1]), 2)
        case UInt8(ascii: "b"): return ("\u{8}", 2)
        case UInt8(ascii: "f"): return ("\u{C}", 2)
        case UInt8(ascii: "n"): return ("\n", 2)
        case UInt8(ascii: "r"): return ("\r", 2)
        case UInt8(ascii: "t"): return ("\t", 2)
        default: return nil
        }
    }

    static func hexUnit(_ text: [UInt8], at index: Int) -> UInt32? {
        guard index + 4 <= text.count else { return nil }
        var value: UInt32 = 0
        for byte in text[index..<(index + 4)] {
            guard let digit = hexValue(byte) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The named references HTML and XML escapers write for the characters of a Spanish password:
    /// the five of XML, and HTML's for Latin-1 (`&ntilde;`, U+00C0 to U+00FF in order).
    static let namedReferences: [String: Unicode.Scalar] = {
        var names: [String: Unicode.Scalar] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "iexcl": "¡",
            "iquest": "¿", "ordf": "ª", "ordm": "º", "deg": "°", "euro": "€",
        ]
        let latin1 = [
            "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc",
            "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde",
            "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave",
            "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml",
            "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
            "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
        ]
        for (offset, name) in latin1.enumerated() {
            if let scalar = Unicode.Scalar(UInt32(0xC0 + offset)) { names[name] = scalar }
        }
        return names
    }()
}
