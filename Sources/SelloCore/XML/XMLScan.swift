/// Byte-level passes over an XML document before libxml2 sees it.
enum XMLScan {
    /// The offset of the first start tag with more than `XMLLimits.maxAttributes` attributes, or
    /// nil. libxml2 compares each attribute of a tag with every earlier one before any callback
    /// can stop it, so the count must be known first (issue 12, item 13). A lexical count of `=`
    /// outside quotes in each start tag; comments, CDATA, processing instructions and end tags
    /// are skipped. It may over-count only in what libxml2 would refuse anyway.
    static func firstElementWithTooManyAttributes(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            var index = 0
            let count = buffer.count
            func starts(_ text: StaticString, at position: Int) -> Bool {
                let length = text.utf8CodeUnitCount
                guard position + length <= count else { return false }
                for offset in 0..<length where buffer[position + offset] != text.utf8Start[offset] { return false }
                return true
            }
            func skip(past terminator: StaticString, from position: Int) -> Int {
                var position = position
                while position < count && !starts(terminator, at: position) { position += 1 }
                return position + terminator.utf8CodeUnitCount
            }
            while index < count {
                guard buffer[index] == UInt8(ascii: "<") else {
                    index += 1
                    continue
                }
                let tag = index
                index += 1
                if starts("!--", at: index) {
                    index = skip(past: "-->", from: index + 3)
                } else if starts("![CDATA[", at: index) {
                    index = skip(past: "]]>", from: index + 8)
                } else if index < count,
                    [UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: "/")].contains(buffer[index])
                {
                    index = skip(past: ">", from: index)
                } else {
                    var quote: UInt8 = 0
                    var attributes = 0
                    while index < count {
                        let byte = buffer[index]
                        if quote != 0 {
                            if byte == quote { quote = 0 }
                        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                            quote = byte
                        } else if byte == UInt8(ascii: "=") {
                            attributes += 1
                            if attributes > XMLLimits.maxAttributes { return tag }
                        } else if byte == UInt8(ascii: ">") {
                            break
                        }
                        index += 1
                    }
                    index += 1
                }
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
        let forbidden = bytes.contains { $0 < 0x20 && !isXMLSpace($0) }
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
