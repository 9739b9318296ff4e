import CSelloShims

/// Which of the bytes that make a text need the redactor's slower checks it holds: `%` (a
/// percent-encoded secret), `+` (a space in a form or query) and non-ASCII (a canonically
/// equivalent spelling). Found sixteen bytes at a time (`textshim_marks`), as every string of
/// every envelope is looked at (issue 13: half the instructions of eight at a time in Swift).
struct TextMarks: Equatable {
    var percent = false
    var plus = false
    var nonASCII = false
    /// A `&` or a `\`: a character reference or a backslash escape (`EscapedForms`).
    var escape = false

    init(percent: Bool, plus: Bool, nonASCII: Bool, escape: Bool = false) {
        self.percent = percent
        self.plus = plus
        self.nonASCII = nonASCII
        self.escape = escape
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        let marks = textshim_marks(base, bytes.count)
        percent = marks & UInt32(TEXTSHIM_PERCENT) != 0
        plus = marks & UInt32(TEXTSHIM_PLUS) != 0
        nonASCII = marks & UInt32(TEXTSHIM_NON_ASCII) != 0
        escape = marks & UInt32(TEXTSHIM_ESCAPE) != 0
    }
}

/// The byte-level searches the redactor is made of.
extension Redactor {
    /// `mayNeedScrubbing(writtenJSON:)` of what `json` holds outside `documents` (spans of the
    /// text `json` is part of from `origin` on, in order, none inside another; a span out of
    /// order only makes more be looked at): the documents' values, which `scrub(json:)` leaves
    /// as they are, are not looked at. The rest is looked at as one text: every string
    /// `scrub(json:)` looks at lies whole in one of its pieces (a match across two pieces only
    /// costs the masked writing).
    func mayNeedScrubbing(
        writtenJSON json: UnsafeBufferPointer<UInt8>, except documents: MarkedSpans, from origin: Int = 0
    ) -> Bool {
        guard knowsSecrets else { return false }
        guard !documents.isEmpty else { return mayNeedScrubbing(writtenJSON: json) }
        // The pieces between the documents, measured first: a batch's envelope is mostly documents.
        func forEachPiece(_ body: (Range<Int>) -> Void) {
            var next = 0
            documents.forEachSpan { document in
                let lower = min(max(document.lowerBound - origin, 0), json.count)
                let upper = min(max(document.upperBound - origin, 0), json.count)
                if lower > next { body(next..<lower) }
                next = max(next, upper)
            }
            if next < json.count { body(next..<json.count) }
        }
        var length = 0
        forEachPiece { length += $0.count }
        // Copied into a buffer of its own, which an array's generic growth made cost some 500
        // instructions a call more (issue 13); on the stack when it is small (an envelope's
        // few hundred bytes: no malloc and free, some 200 instructions).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { rest in
            guard let target = rest.baseAddress, let source = json.baseAddress else { return false }
            var count = 0
            forEachPiece { piece in
                (target + count).initialize(from: source + piece.lowerBound, count: piece.count)
                count += piece.count
            }
            return mayNeedScrubbing(writtenJSON: UnsafeBufferPointer(rest))
        }
    }

    /// Whether `scrub(json:)` might change any string of the values JSONWriter wrote as `json`
    /// (an envelope's data, error and warnings). False is exact: every look `mayNeedScrubbing`
    /// gives a string finds the same in the string as written — a `%`, a `+`, a non-ASCII byte
    /// and "Bearer " are written as they are, and so is a form, or else its `unescapedRuns`
    /// (escaping goes byte by byte). True may come from a document (`documentFields`), from the
    /// structure or from a run alone; then the values are masked one by one.
    func mayNeedScrubbing(writtenJSON json: UnsafeBufferPointer<UInt8>) -> Bool {
        guard knowsSecrets else { return false }
        if mayHoldSecret(json, marks: TextMarks(json)) { return true }
        // A line break inside a string is written `\n` or `\r`: a line-broken secret may be there.
        if breaksLines && Redactor.holdsEscapedLineBreak(json) { return true }
        let found = anyUnescapedRun { run in run.withUnsafeBufferPointer { Redactor.bytes(json, contain: $0) } }
        return found || Redactor.mayHoldToken(json)
    }

    /// Whether `bytes` has a CR or an LF.
    static func holdsLineBreak(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.firstIndex(ofByte: 0x0A) != nil || bytes.firstIndex(ofByte: 0x0D) != nil
    }

    /// Whether JSON text has a `\n` or `\r` escape (or a backslash before an n or r).
    static func holdsEscapedLineBreak(_ json: UnsafeBufferPointer<UInt8>) -> Bool {
        var from = 0
        while let slash = json.firstIndex(ofByte: 0x5C, from: from), slash &+ 1 < json.count {
            let next = json[slash &+ 1]
            if next == UInt8(ascii: "n") || next == UInt8(ascii: "r") { return true }
            from = slash &+ 2
        }
        return false
    }

    /// Masks each of `secrets` found in `bytes` once CR, LF, tab and space are left out: the span
    /// it covers in `bytes`, its line breaks with it, becomes `***`. Whether anything was masked.
    static func maskLineBroken(_ bytes: inout [UInt8], _ secrets: [[UInt8]]) -> Bool {
        var finder = SpanFinder(secrets)
        for (index, byte) in bytes.enumerated() where byte != 0x0A && byte != 0x0D && byte != 0x09 && byte != 0x20 {
            finder.emit(byte, from: index, to: index + 1)
        }
        return maskSpans(&bytes, finder.finish())
    }

    /// Replaces every occurrence of `needle` in `bytes` by `***`; whether anything was replaced.
    static func replaceAll(_ bytes: inout [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var output: [UInt8] = []
        var start = 0
        var index = 0
        var found = false
        while index + needle.count <= bytes.count {
            if bytes[index] == first && bytes[index..<(index + needle.count)].elementsEqual(needle) {
                if !found {
                    output.reserveCapacity(bytes.count)
                    found = true
                }
                output.append(contentsOf: bytes[start..<index])
                output.append(contentsOf: Redactor.mask)
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        guard found else { return false }
        output.append(contentsOf: bytes[start...])
        bytes = output
        return true
    }

    static let mask: [UInt8] = Array("***".utf8)

    /// Masks `secret` written with any of its bytes percent-encoded (`%40` or `%4a`/`%4A`), or with
    /// `+` for a space, as query strings and form bodies carry it.
    static func replacePercentEncoded(_ bytes: inout [UInt8], _ secret: [UInt8]) -> Bool {
        guard !secret.isEmpty else { return false }
        var output: [UInt8] = []
        var index = 0
        var found = false
        while index < bytes.count {
            if let end = percentMatch(bytes, at: index, secret) {
                output.append(contentsOf: Redactor.mask)
                index = end
                found = true
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        if found { bytes = output }
        return found
    }

    /// Where a percent-aware match of `secret` starting at `start` ends, or nil.
    static func percentMatch(_ bytes: [UInt8], at start: Int, _ secret: [UInt8]) -> Int? {
        var position = start
        for expected in secret {
            guard position < bytes.count else { return nil }
            let byte = bytes[position]
            if byte == UInt8(ascii: "%"), position + 2 < bytes.count,
                let high = hexValue(bytes[position + 1]), let low = hexValue(bytes[position + 2]),
                high << 4 | low == expected
            {
                position += 3
            } else if byte == expected {
                position += 1
            } else if byte == UInt8(ascii: "+") && expected == UInt8(ascii: " ") {
                position += 1
            } else {
                return nil
            }
        }
        return position
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Whether `text` may contain `part`: a plain byte search, which is exact for ASCII text;
    /// anything else also asks `contains` (canonically equivalent spellings). The generic
    /// `contains` costs some 25,000 instructions even on a short line.
    static func mayContain(_ text: String, _ part: String) -> Bool {
        var text = text
        var part = part
        let (found, ascii) = text.withUTF8 { haystack in
            part.withUTF8 { needle in
                bytes(haystack, contain: needle)
                    ? (true, true) : (false, !holdsNonASCII(haystack) && !holdsNonASCII(needle))
            }
        }
        return found || (!ascii && text.contains(part))
    }

    /// Whether `bytes` has a byte of non-ASCII text, eight bytes at a time.
    static func holdsNonASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var index = 0
        while index &+ 8 <= bytes.count { // (wrapping: `index` stays below the count)
            if UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                return true
            }
            index &+= 8
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 { return true }
            index += 1
        }
        return false
    }

    /// `raw` with every `/` written `\/`, copied run by run between the slashes.
    static func slashEscaped(_ raw: [UInt8]) -> [UInt8] {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(raw.count + raw.count / 8)
        raw.withUnsafeBufferPointer { bytes in
            var start = 0
            while let slash = bytes.firstIndex(ofByte: UInt8(ascii: "/"), from: start) {
                escaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<slash]))
                escaped.append(0x5C)
                escaped.append(0x2F)
                start = slash + 1
            }
            escaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        return escaped
    }

    /// Where `needle` first occurs in `haystack` at or after `from` (`textshim_find`).
    static func firstIndex(
        of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int
    ) -> Int? {
        guard let needleBase = needle.baseAddress, let base = haystack.baseAddress, from < haystack.count else {
            return nil
        }
        let found = textshim_find(base + from, haystack.count - from, needleBase, needle.count)
        return found < 0 ? nil : from + found
    }

    /// Whether `needle` occurs in `haystack` (`textshim_contains`: sixteen positions at a time):
    /// every envelope's texts are searched for every secret.
    static func bytes(_ haystack: UnsafeBufferPointer<UInt8>, contain needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let needleBase = needle.baseAddress, !needle.isEmpty else { return true }
        guard let haystackBase = haystack.baseAddress, haystack.count >= needle.count else { return false }
        return textshim_contains(haystackBase, haystack.count, needleBase, needle.count) != 0
    }
}
