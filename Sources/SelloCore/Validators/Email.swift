/// A pragmatic e-mail check: what the services accept and a person can fix from the message
/// (one @, a dotted domain of letters, digits and hyphens, no spaces), not the full RFC 5322.
public enum EmailAddress {
    public static func problem(_ text: String) -> String? {
        // ASCII without CR (where bytes and Characters are the same thing): the same checks on bytes.
        // `.some(nil)`: ASCII without a problem; nil: not ASCII, for the rule on Characters.
        let ascii: String?? = text.withUTF8Bytes { $0.isASCIIWithoutCR ? .some(asciiProblem($0)) : nil }
        return ascii ?? unicodeProblem(text)
    }

    /// The rule on Characters, for any text.
    static func unicodeProblem(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.count <= 64 else { return "the part before @ must have 1 to 64 characters" }
        guard local.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+/=?^_`{|}~.-".contains($0)) }),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else {
            return "the part before @ has characters an address cannot have"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain must contain a dot (example.cl)" }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else {
                return "the domain '\(domain)' is not valid"
            }
        }
        guard let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else {
            return "the domain must end in a name such as .cl or .com"
        }
        return nil
    }

    /// Whether `byte` may stand before the @ (besides letters and digits).
    static func isLocalSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="),
            UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"),
            UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"), UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default: return false
        }
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `problem` for ASCII text, on its bytes in place, in the same order with the same messages
    /// (splitting into arrays made it some 4,000 instructions of every FES call; issue 13).
    static func asciiProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let at = UInt8(ascii: "@")
        guard let split = bytes.firstIndex(of: at), bytes[(split + 1)...].firstIndex(of: at) == nil else {
            return "must contain exactly one @"
        }
        let local = bytes[..<split]
        let domain = bytes[(split + 1)...]
        guard !local.isEmpty, local.count <= 64 else { return "the part before @ must have 1 to 64 characters" }
        let dot = UInt8(ascii: ".")
        var previous: UInt8 = 0
        for byte in local {
            guard isLetter(byte) || isDigit(byte) || isLocalSymbol(byte), !(byte == dot && previous == dot) else {
                return "the part before @ has characters an address cannot have"
            }
            previous = byte
        }
        guard local.first != dot, local.last != dot else {
            return "the part before @ has characters an address cannot have"
        }
        return domainProblem(domain)
    }

    /// The domain's labels, each checked where it lies.
    static func domainProblem(_ domain: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        let dot = UInt8(ascii: ".")
        let hyphen = UInt8(ascii: "-")
        guard domain.contains(dot) else { return "the domain must contain a dot (example.cl)" }
        var start = domain.startIndex
        var topIsName = false
        while true {
            let end = domain[start...].firstIndex(of: dot) ?? domain.endIndex
            let label = domain[start..<end]
            guard !label.isEmpty, label.count <= 63, label.first != hyphen, label.last != hyphen,
                label.allSatisfy({ isLetter($0) || isDigit($0) || $0 == hyphen })
            else {
                return "the domain '\(String(decoding: domain, as: UTF8.self))' is not valid"
            }
            guard end < domain.endIndex else {
                topIsName = label.count >= 2 && label.allSatisfy(isLetter)
                break
            }
            start = end + 1
        }
        return topIsName ? nil : "the domain must end in a name such as .cl or .com"
    }
}
