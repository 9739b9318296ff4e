#if canImport(Glibc)
import Glibc
#endif

/// Byte-level passes over an XML document before libxml2 sees it.
enum XMLScan {
    /// The offset of the first start tag with more than `XMLLimits.maxAttributes` attributes, or
    /// nil. libxml2 compares each attribute of a tag with every earlier one before any callback
    /// can stop it, so the count must be known first (issue 12, item 13). A lexical count of `=`
    /// outside quotes in each start tag; comments, CDATA, processing instructions and end tags
    /// are skipped. It may over-count only in what libxml2 would refuse anyway.
    ///
    /// Runs of bytes that cannot change the count — text between tags, a quoted value (a CFDI's
    /// Sello and Certificado are kilobytes of base64) — are passed over with memchr: a stamp's
    /// XML went through this byte by byte twice a call (issue 13; XMLScanTests holds it to the
    /// byte-by-byte scan).
    static func firstElementWithTooManyAttributes(_ bytes: [UInt8], limit: Int = XMLLimits.maxAttributes) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            let count = buffer.count
            /// The offset of the first `byte` at or after `position`; `count` when there is none.
            func find(_ byte: UInt8, from position: Int) -> Int {
                buffer.firstIndex(ofByte: byte, from: position) ?? count
            }
            func starts(_ text: StaticString, at position: Int) -> Bool {
                let length = text.utf8CodeUnitCount
                guard position + length <= count else { return false }
                return memcmp(base + position, text.utf8Start, length) == 0
            }
            /// Past the first `terminator` from `position` (past the end when there is none).
            func skip(past terminator: StaticString, from position: Int) -> Int {
                var position = find(terminator.utf8Start[0], from: position)
                while position < count && !starts(terminator, at: position) {
                    position = find(terminator.utf8Start[0], from: position + 1)
                }
                return position + terminator.utf8CodeUnitCount
            }
            var index = find(UInt8(ascii: "<"), from: 0)
            while index < count {
                let tag = index
                index += 1
                if starts("!--", at: index) {
                    index = skip(past: "-->", from: index + 3)
                } else if starts("![CDATA[", at: index) {
                    index = skip(past: "]]>", from: index + 8)
                } else if index < count,
                    buffer[index] == UInt8(ascii: "?") || buffer[index] == UInt8(ascii: "!")
                        || buffer[index] == UInt8(ascii: "/")
                {
                    index = skip(past: ">", from: index)
                } else {
                    var attributes = 0
                    while index < count {
                        let byte = buffer[index]
                        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                            index = find(byte, from: index + 1) // the value, to its closing quote
                        } else if byte == UInt8(ascii: "=") {
                            attributes += 1
                            if attributes > limit { return tag }
                        } else if byte == UInt8(ascii: ">") {
                            break
                        }
                        index += 1
                    }
                    index += 1
                }
                index = find(UInt8(ascii: "<"), from: index)
            }
            return nil
        }
    }
}

/// The damage a service's XML answer may carry, repaired (issue 12, item 10): invalid UTF-8, NUL
/// and the other control characters XML 1.0 forbids become U+FFFD, so that the rest of the answer
/// — a UUID, a stamped XML — can still be read. Each kind repaired is listed.
enum XMLRepair {
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    static func repair(_ bytes: [UInt8]) -> (bytes: [UInt8], repairs: [String]) {
        let forbidden = holdsForbiddenControl(bytes)
        let invalidUTF8 = firstInvalidUTF8(bytes) != nil
        guard forbidden || invalidUTF8 else { return (bytes, []) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let length = sequenceLength(bytes, at: index)
            if length.valid {
                let byte = bytes[index]
                if length.count == 1 && byte < 0x20 && !isXMLSpace(byte) {
                    output.append(contentsOf: replacement)
                } else {
                    output.append(contentsOf: bytes[index..<(index + length.count)])
                }
            } else {
                output.append(contentsOf: replacement) // one U+FFFD per maximal ill-formed part
            }
            index += length.count
        }
        var repairs: [String] = []
        if invalidUTF8 { repairs.append("bytes that are not UTF-8 were read as U+FFFD") }
        if forbidden { repairs.append("control characters XML does not allow (NUL…) were read as U+FFFD") }
        return (output, repairs)
    }

    /// Whether `bytes` holds a control character XML 1.0 forbids (all below U+0020 but tab, LF
    /// and CR), looked for eight bytes at a time: an answer is kilobytes (issue 13).
    static func holdsForbiddenControl(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            let ones: UInt64 = 0x0101_0101_0101_0101
            var index = 0
            while index &+ 8 <= buffer.count { // (wrapping: `index` stays below the count)
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                // A byte below 0x20 in the word (exact for "any"): then its bytes are looked at.
                if (word &- 0x20 &* ones) & ~word & (0x80 &* ones) != 0 {
                    for offset in index..<(index &+ 8) where isForbidden(buffer[offset]) { return true }
                }
                index &+= 8
            }
            for offset in index..<buffer.count where isForbidden(buffer[offset]) { return true }
            return false
        }
    }

    @inline(__always)
    static func isForbidden(_ byte: UInt8) -> Bool { byte < 0x20 && !isXMLSpace(byte) }

    /// The UTF-8 sequence at `index`: its length when well-formed, else the length of its maximal
    /// ill-formed prefix (at least 1), as Unicode's "maximal subpart" practice replaces it.
    static func sequenceLength(_ bytes: [UInt8], at index: Int) -> (count: Int, valid: Bool) {
        let lead = bytes[index]
        let ranges: [ClosedRange<UInt8>]
        switch lead {
        case 0x00...0x7F: return (1, true)
        case 0xC2...0xDF: ranges = [0x80...0xBF]
        case 0xE0: ranges = [0xA0...0xBF, 0x80...0xBF]
        case 0xE1...0xEC, 0xEE...0xEF: ranges = [0x80...0xBF, 0x80...0xBF]
        case 0xED: ranges = [0x80...0x9F, 0x80...0xBF]
        case 0xF0: ranges = [0x90...0xBF, 0x80...0xBF, 0x80...0xBF]
        case 0xF1...0xF3: ranges = [0x80...0xBF, 0x80...0xBF, 0x80...0xBF]
        case 0xF4: ranges = [0x80...0x8F, 0x80...0xBF, 0x80...0xBF]
        default: return (1, false)
        }
        for (offset, range) in ranges.enumerated() {
            let position = index + 1 + offset
            guard position < bytes.count, range.contains(bytes[position]) else { return (1 + offset, false) }
        }
        return (1 + ranges.count, true)
    }
}
