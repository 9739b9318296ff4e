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
}
