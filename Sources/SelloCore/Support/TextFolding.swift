/// Folds text for forgiving comparisons: lower case, accents removed (á→a, ü→u, ñ→n),
/// apostrophes dropped, every other non-alphanumeric character a single space.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        foldLatin(text) ?? foldUnicode(text)
    }

    static func foldUnicode(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar == "'" || scalar == "’" || scalar == "´" || scalar == "`" { continue }
            let base = baseLetter(scalar)
            if base.properties.isAlphabetic || ("0"..."9").contains(base) {
                if pendingSpace && !result.isEmpty { result.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(base)
            } else {
                pendingSpace = true
            }
        }
        return result
    }

    /// `fold` for text of ASCII and Latin-1 letters (what Chilean names are written in), on
    /// bytes: the same rule without Unicode property lookups (a comuna lookup on the FES hot path
    /// spent some 25,000 instructions in them). nil for any other text.
    static func foldLatin(_ text: String) -> String? {
        // A fold is never longer than the text (a letter folds to no more bytes than it has): it
        // is written straight into the new string, which holds 15 bytes without an allocation.
        var latin = true
        let folded = String(unsafeUninitializedCapacity: max(text.utf8.count, 1)) { buffer in
            var count = 0
            latin = foldLatin(text.utf8, into: buffer, count: &count)
            return latin ? count : 0
        }
        return latin ? folded : nil
    }

    /// `foldLatin` into `output` (at least as long as `text`); false for text it does not fold.
    private static func foldLatin(
        _ text: String.UTF8View, into output: UnsafeMutableBufferPointer<UInt8>, count: inout Int
    ) -> Bool {
        var pendingSpace = false
        var lead: UInt8 = 0
        for byte in text {
            let scalar: UInt32
            if lead != 0 {
                guard byte & 0xC0 == 0x80 else { return false }
                scalar = UInt32(lead & 0x1F) << 6 | UInt32(byte & 0x3F)
                lead = 0
            } else if byte >= 0x80 {
                guard byte == 0xC2 || byte == 0xC3 else { return false }
                lead = byte
                continue
            } else {
                scalar = UInt32(byte)
            }
            guard let folded = latinFold(scalar) else { return false }
            if folded == 0 { continue } // an apostrophe: dropped
            if folded == 0x20 {
                pendingSpace = true
                continue
            }
            let space = pendingSpace && count > 0 ? 1 : 0
            pendingSpace = false
            let width = folded < 0x80 ? 1 : 2
            // Never expected (a fold is never longer than what it folds), but input must not
            // trap: such text goes to the general rule.
            guard count + space + width <= output.count else { return false }
            if space == 1 { output[count] = UInt8(ascii: " ") }
            count += space
            if width == 1 {
                output[count] = UInt8(folded)
            } else {
                output[count] = UInt8(0xC0 | (folded >> 6))
                output[count + 1] = UInt8(0x80 | (folded & 0x3F))
            }
            count += width
        }
        return lead == 0
    }

    /// One scalar below U+0100 folded: 0 dropped (apostrophes), 0x20 a separator, else the
    /// lower-case base letter or digit; nil when the general rule must decide.
    static func latinFold(_ scalar: UInt32) -> UInt32? {
        switch scalar {
        case 0x27, 0x60, 0xB4: return 0 // ' ` ´
        case 0x30...0x39, 0x61...0x7A: return scalar
        case 0x41...0x5A: return scalar | 0x20
        case 0xC0...0xD6, 0xD8...0xDE: return latinFold(scalar + 0x20) // À..Þ but ×
        case 0xAA, 0xB5, 0xBA: return nil // ª µ º: letters with odd case mappings
        case 0xDF...0xF6, 0xF8...0xFF:
            let base = baseLetter(Unicode.Scalar(UInt8(scalar)))
            return base.value
        case 0x00...0xFF: return 0x20
        default: return nil
        }
    }

    /// `text` in upper case with the accents of `baseLetter` removed (ñ → N, ü → U), everything
    /// else kept ("O'Higgins" → "O'HIGGINS"). Not for a hot path: the comuna table uses it once.
    public static func upperUnaccented(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars { result.append(baseLetter(scalar)) }
        return String(result).uppercased()
    }

    /// The unaccented letter for the Latin letters Spanish uses.
    static func baseLetter(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar {
        case "á", "à", "â", "ä", "ã": return "a"
        case "é", "è", "ê", "ë": return "e"
        case "í", "ì", "î", "ï": return "i"
        case "ó", "ò", "ô", "ö", "õ": return "o"
        case "ú", "ù", "û", "ü": return "u"
        case "ñ": return "n"
        case "ç": return "c"
        default: return scalar
        }
    }

    /// Levenshtein distance, for "did you mean" suggestions on short names. When the lengths
    /// surely differ by more than 64 it returns a lower bound of that difference without the
    /// O(n·m) table (nor copying the scalars): no suggestion is that far off, and a comuna of
    /// 8 MiB (the request limit) cost about a minute against the 346 names
    /// (test_faults.py::test_huge_inputs_answer_quickly). UTF-8 counts are O(1); a string has
    /// between utf8.count / 4 and utf8.count scalars.
    public static func distance(_ a: String, _ b: String) -> Int {
        let (long, short) = a.utf8.count >= b.utf8.count ? (a, b) : (b, a)
        let gap = long.utf8.count / 4 - short.utf8.count
        if gap > 64 { return gap }
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
