/// The characters FES accepts (seed 000, error 102): letters (with accents), digits, spaces and
/// the punctuation of addresses and company names; a password may also carry common symbols
/// but no spaces or control characters.
extension FESRequest {
    static let punctuation: Set<Character> = [".", ",", "-", "_", "@", "#", "°", "º", "/", "(", ")", "&", "'"]
    static let passwordSymbols: Set<Character> = ["!", "$", "%", "*", "+", "=", "?", "¿", "¡", ":", ";"]

    /// The first character the service would refuse, or nil.
    static func disallowedCharacter(in text: String, password: Bool) -> Character? {
        switch text.withUTF8Bytes({ latinVerdict($0, password: password) }) {
        case .clean: return nil
        case .refused(let scalar): return Character(scalar)
        case .undecided: return unicodeDisallowedCharacter(in: text, password: password)
        }
    }

    /// The rule on Characters, for any text.
    static func unicodeDisallowedCharacter(in text: String, password: Bool) -> Character? {
        for character in text {
            if character.isLetter || (character.isASCII && character.isNumber) { continue }
            if password {
                if punctuation.contains(character) || passwordSymbols.contains(character) { continue }
            } else if character == " " || punctuation.contains(character) {
                continue
            }
            return character
        }
        return nil
    }

    enum LatinVerdict: Equatable {
        case clean
        case refused(Unicode.Scalar)
        /// Text beyond U+00FF, or a CR (with LF the one pair of such scalars that makes a
        /// single Character): the rule on Characters decides.
        case undecided
    }

    /// The same rule on UTF-8 bytes for text of scalars below U+0100 (what Chilean names and
    /// addresses are written in), without Character's grapheme breaking and Unicode property
    /// lookups, which cost some 2,000 instructions per field on the FES hot path. Below U+0100
    /// every scalar but CR is a Character of its own, so a scalar's verdict is the Character's.
    static func latinVerdict(_ bytes: UnsafeBufferPointer<UInt8>, password: Bool) -> LatinVerdict {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let scalar: UInt32
            if byte < 0x80 {
                if byte == 0x0D { return .undecided }
                scalar = UInt32(byte)
                index += 1
            } else if (byte == 0xC2 || byte == 0xC3) && index + 1 < bytes.count {
                scalar = UInt32(byte & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                index += 2
            } else {
                return .undecided
            }
            guard !latinAllowed(scalar, password: password) else { continue }
            // A mark after it (U+0300 on) would join it into another Character.
            if index < bytes.count, bytes[index] >= 0x80, bytes[index] != 0xC2, bytes[index] != 0xC3 {
                return .undecided
            }
            return Unicode.Scalar(scalar).map { .refused($0) } ?? .undecided
        }
        return .clean
    }

    /// The rule for one scalar below U+0100.
    static func latinAllowed(_ scalar: UInt32, password: Bool) -> Bool {
        switch scalar {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39, // letters, digits
            0xAA, 0xB5, 0xBA, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0xFF, // ª µ º, À..ÿ but × ÷
            0x2E, 0x2C, 0x2D, 0x5F, 0x40, 0x23, 0xB0, 0x2F, 0x28, 0x29, 0x26, 0x27: // . , - _ @ # ° / ( ) & '
            return true
        case 0x20:
            return !password
        case 0x21, 0x24, 0x25, 0x2A, 0x2B, 0x3D, 0x3F, 0xBF, 0xA1, 0x3A, 0x3B: // ! $ % * + = ? ¿ ¡ : ;
            return password
        default:
            return false
        }
    }

    /// The parameter without its surrounding spaces when it is present, not empty and every
    /// character is one the service accepts, decided on bytes below U+0100; nil otherwise, and
    /// for any text the bytes do not decide: `checkPresentAndClean` then finds and reports what
    /// is wrong. Once clean, a space (U+0020) is the only whitespace a parameter can hold (a
    /// password none), so what `trimmingSpaces` would drop is exactly the spaces at the ends.
    static func cleaned(_ text: String?, _ parameter: Parameter) -> String? {
        guard let text else { return nil }
        let mask = parameter == .claveCertificado ? LatinMask.password : LatinMask.text
        guard let kept = text.withUTF8Bytes({ cleanLatinRange($0, mask) }) else { return nil }
        if kept.count == text.utf8.count { return text }
        return text.withUTF8Bytes { String(decoding: UnsafeBufferPointer(rebasing: $0[kept]), as: UTF8.self) }
    }

    /// `cleaned` for a parameter given as the bytes of a plain string (`RequestObject.PlainStrings`):
    /// the String is made once, for what is kept.
    static func cleaned(bytes: UnsafeBufferPointer<UInt8>, _ parameter: Parameter) -> String? {
        let mask = parameter == .claveCertificado ? LatinMask.password : LatinMask.text
        guard let kept = cleanLatinRange(bytes, mask) else { return nil }
        return RequestObject.string(UnsafeBufferPointer(rebasing: bytes[kept]))
    }

    /// The range between the first and the last byte that is not a space, when every scalar is
    /// below U+0100 and one `mask` allows, and some is not a space; nil otherwise.
    static func cleanLatinRange(_ bytes: UnsafeBufferPointer<UInt8>, _ mask: LatinMask) -> Range<Int>? {
        guard mask.allowsAll(bytes) else { return nil }
        var first = 0
        var end = bytes.count
        while first < end, bytes[first] == UInt8(ascii: " ") { first += 1 }
        while end > first, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return first < end ? first..<end : nil
    }

    /// `latinAllowed` as 256 bits, one per scalar below U+0100, for each mode: a bit test per
    /// byte instead of the switch (issue 13). The tests check every scalar against `latinAllowed`.
    struct LatinMask {
        /// Scalars 0x00-0x3F, 0x40-0x7F, 0x80-0xBF (after 0xC2) and 0xC0-0xFF (after 0xC3).
        let low, high, afterC2, afterC3: UInt64

        static let text = LatinMask(password: false)
        static let password = LatinMask(password: true)

        init(password: Bool) {
            var words: [UInt64] = [0, 0, 0, 0]
            for scalar in UInt32(0)..<0x100 where FESRequest.latinAllowed(scalar, password: password) {
                words[Int(scalar >> 6)] |= 1 << UInt64(scalar & 63)
            }
            (low, high, afterC2, afterC3) = (words[0], words[1], words[2], words[3])
        }

        /// Whether every scalar of UTF-8 `bytes` is below U+0100 and allowed.
        func allowsAll(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    guard ((byte < 0x40 ? low : high) >> UInt64(byte & 63)) & 1 != 0 else { return false }
                    index &+= 1
                } else if (byte == 0xC2 || byte == 0xC3) && index &+ 1 < bytes.count {
                    // A String's bytes are valid UTF-8: the next one is this scalar's low six bits.
                    let word = byte == 0xC2 ? afterC2 : afterC3
                    guard (word >> UInt64(bytes[index &+ 1] & 63)) & 1 != 0 else { return false }
                    index &+= 2
                } else {
                    return false
                }
            }
            return true
        }
    }
}
