/// Folds text for forgiving comparisons: lower case, accents removed (á→a, ü→u, ñ→n),
/// apostrophes dropped, every other non-alphanumeric character a single space.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        text.utf8.allSatisfy({ $0 < 0x80 }) ? foldASCII(text) : foldUnicode(text)
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

    /// `fold` for ASCII text, on bytes: the same rule without Unicode property lookups (a
    /// comuna lookup on the FES hot path spent some 25,000 instructions in them).
    static func foldASCII(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") { continue }
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            let isLetter = lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
            let isDigit = lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9")
            guard isLetter || isDigit else { pendingSpace = true; continue }
            if pendingSpace && !bytes.isEmpty { bytes.append(UInt8(ascii: " ")) }
            pendingSpace = false
            bytes.append(lower)
        }
        return String(decoding: bytes, as: UTF8.self)
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
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
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
