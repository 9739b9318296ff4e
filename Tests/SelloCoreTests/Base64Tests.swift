import Testing

@testable import SelloCore

/// Base64 as certificates, PDFs and stamped XML arrive in answers: padded, wrapped, or base64url.
@Suite struct Base64Tests {
    @Test func everyLengthRoundTrips() {
        for length in 0...64 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes, "length \(length)")
        }
    }

    /// RFC 4648's test vectors, from an array and from another kind of collection.
    @Test func theRFCVectorsAreEncoded() {
        let vectors = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ]
        for (text, expected) in vectors {
            #expect(Base64.encode(Array(text.utf8)) == expected)
            #expect(Base64.encode(text.utf8) == expected)
        }
    }

    @Test func lineBreaksAndSpacesAreIgnored() {
        #expect(Base64.decode("c2Vs\r\nbG8g\n YmVu\tY2g=") == Array("sello bench".utf8))
    }

    @Test func base64urlIsAccepted() {
        #expect(Base64.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test(arguments: ["c2Vs*G8=", "c2=Vs", "c2Vsb===", "c", "c2Vsb", "ñ2Vs"])
    func whatIsNotBase64IsRefused(_ text: String) {
        #expect(Base64.decode(text) == nil, "\(text)")
    }

    /// The decoder as it was before it took four characters at a time: the reference.
    static func referenceDecode(_ text: [UInt8]) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var (buffer, bits, padding, output): (UInt32, Int, Int, [UInt8]) = (0, 0, 0, [])
        for byte in text {
            if [0x0A, 0x0D, 0x20, 0x09].contains(byte) { continue }
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            let value =
                byte == UInt8(ascii: "-") ? 62 : byte == UInt8(ascii: "_") ? 63 : alphabet.firstIndex(of: byte)
            guard padding == 0, let value else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return padding > 2 || bits >= 6 ? nil : output
    }

    /// Texts of every length made of alphabet characters, line breaks, spaces, padding and bad
    /// bytes at every place: the decoder agrees with the reference on each.
    @Test func decodingAgreesWithTheReference() {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [
            Array("QUJD".utf8), Array("ZGVm".utf8), Array("\n".utf8), Array("\r\n".utf8),
            Array(" ".utf8), Array("=".utf8), Array("==".utf8), Array("*".utf8), Array("a".utf8), Array("-_".utf8),
        ]
        for _ in 0..<20_000 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                text +=
                    pieces[
                        Int.random(
                            in: 0..<(Int.random(in: 0...3, using: &generator) == 0 ? 10 : 2),
                            using: &generator)]
            }
            let decoded = text.withUnsafeBufferPointer { Base64.decode(utf8: $0) }
            #expect(decoded == Self.referenceDecode(text), "\(String(decoding: text, as: UTF8.self))")
        }
    }
}
