import Testing

@testable import SelloCore

/// The byte-level passes over an XML document before libxml2 (issue 12) against the plain
/// byte-by-byte versions they replaced (issue 13: they walk a stamp's kilobytes twice a call):
/// the same answer for texts built of every piece that matters to them, cut at every byte.
@Suite struct XMLScanTests {
    static func referenceTooManyAttributes(_ bytes: [UInt8], limit: Int) -> Int? {
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
                            if attributes > limit { return tag }
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

    static func referenceForbidden(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < 0x20 && !isXMLSpace($0) } }

    static let pieces: [String] = [
        "<r>", "</r>", "<x a=\"1\" b='2'>", "<x a=\"1=2\" c='>'/>", "<!-- a=b <x c=d> -->", "<![CDATA[ <x a=b> ]]>",
        "<?xml version=\"1.0\"?>", "<!DOCTYPE r>", "text = more", "<y e=\"é\" f=\"\u{1}\"\t\n g='\r'>",
        "<z h=\"unclosed", "<!-- unclosed", "<![CDATA[ unclosed", "=", "\"", "'", "<", ">", "\u{0}",
        "<a b=1 c=2 d=3 e=4>",
    ]

    static var texts: [[UInt8]] {
        var texts: [[UInt8]] = []
        for first in pieces {
            for second in pieces {
                let text = Array((first + second + first).utf8)
                for cut in 0...text.count { texts.append(Array(text[..<cut])) }
            }
        }
        return texts
    }

    @Test func tooManyAttributesAsTheByteByByteScan() {
        for text in Self.texts {
            for limit in [0, 1, 2, 3] {
                #expect(
                    XMLScan.firstElementWithTooManyAttributes(text, limit: limit)
                        == Self.referenceTooManyAttributes(text, limit: limit), "\(text)")
            }
        }
        let long = Array(("<r a=\"" + String(repeating: "A/+=", count: 3000) + "\" b=\"1\">").utf8)
        #expect(XMLScan.firstElementWithTooManyAttributes(long, limit: 1) == 0)
        #expect(XMLScan.firstElementWithTooManyAttributes(long, limit: 2) == nil)
    }

    @Test func forbiddenControlsAsTheByteByByteLook() {
        for text in Self.texts { #expect(XMLRepair.holdsForbiddenControl(text) == Self.referenceForbidden(text)) }
        for length in 0...20 {
            for position in 0..<max(length, 1) where length > 0 {
                for byte: UInt8 in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x7F, 0x80] {
                    var text = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    text[position] = byte
                    #expect(
                        XMLRepair.holdsForbiddenControl(text) == Self.referenceForbidden(text), "\(byte) at \(position)"
                    )
                }
            }
        }
    }

    @Test func theFirstNULIsFoundWherever() {
        for length in 0...40 {
            let plain = [UInt8](repeating: UInt8(ascii: "<"), count: length)
            #expect(firstNUL(plain) == nil)
            for position in 0..<length {
                var text = plain
                text[position] = 0
                if position + 1 < length { text[length - 1] = 0 }
                #expect(firstNUL(text) == position)
            }
        }
    }
}
